#include "command_buffer.h"

#include <hiredis/hiredis.h>

#include <boost/container/small_vector.hpp>

#include <new>

namespace bytestore::redis {
namespace {

// Smaller commands are copied into the open block: one allocation and
// one write buffer for many.
constexpr std::size_t kOwnPiece = 16 * 1024;

}  // namespace

void CommandBuffer::add(std::span<const std::string_view> arguments) {
  // Most commands have a few arguments: no allocation for those.
  boost::container::small_vector<const char*, 8> data;
  boost::container::small_vector<std::size_t, 8> sizes;
  data.reserve(arguments.size());
  sizes.reserve(arguments.size());
  for (std::string_view argument : arguments) {
    data.push_back(argument.data());
    sizes.push_back(argument.size());
  }
  char* formatted = nullptr;
  const int length = redisFormatCommandArgv(&formatted, static_cast<int>(arguments.size()), data.data(), sizes.data());
  if (length < 0) throw std::bad_alloc();
  ++count_;
  if (static_cast<std::size_t>(length) < kOwnPiece) {
    open_.append(formatted, static_cast<std::size_t>(length));
    redisFreeCommand(formatted);
    return;
  }
  std::shared_ptr<const char> owned(formatted, [](const char* p) { redisFreeCommand(const_cast<char*>(p)); });
  seal();
  pieces_.push_back({std::move(owned), static_cast<std::size_t>(length)});
}

void CommandBuffer::seal() const {
  if (open_.empty()) return;
  auto block = std::make_shared<const std::string>(std::move(open_));
  open_.clear();
  pieces_.push_back({std::shared_ptr<const char>(block, block->data()), block->size()});
}

void CommandBuffer::append(const CommandBuffer& other) {
  seal();
  other.pieces(pieces_);
  count_ += other.count_;
}

void CommandBuffer::pieces(std::vector<Piece>& out) const {
  seal();
  out.insert(out.end(), pieces_.begin(), pieces_.end());
}

}  // namespace bytestore::redis
