#include "command_buffer.h"

#include <hiredis/hiredis.h>

#include <boost/container/small_vector.hpp>

#include <new>

namespace bytestore::redis {
namespace {

// Smaller commands are copied into the open block: one allocation and
// one write buffer for many.
constexpr std::size_t kOwnPiece = 16 * 1024;
// A block this full is sealed: growing one block for a whole batch (4 MB
// for 1,000 values of 4 KiB) cost a copy at every doubling and fresh
// pages each call.
constexpr std::size_t kBlockBytes = 64 * 1024;

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
  // The sds formatter, as redisAppendCommandArgv uses: redisFormatCommandArgv
  // prints each length with sprintf, which made formatting half the work
  // of an MSET of 1,000 small values.
  sds formatted = nullptr;
  const int length =
      redisFormatSdsCommandArgv(&formatted, static_cast<int>(arguments.size()), data.data(), sizes.data());
  if (length < 0) throw std::bad_alloc();
  const auto size = static_cast<std::size_t>(length);
  if (size < kOwnPiece) {
    commands_.push_back({pieces_.size(), open_.size(), size});
    open_.append(formatted, size);
    redisFreeSdsCommand(formatted);
    if (open_.size() >= kBlockBytes) seal();
    return;
  }
  std::shared_ptr<const char> owned(formatted, [](const char* p) { redisFreeSdsCommand(const_cast<char*>(p)); });
  seal();
  commands_.push_back({pieces_.size(), 0, size});
  pieces_.push_back({std::move(owned), size});
}

void CommandBuffer::seal() const {
  if (open_.empty()) return;
  auto block = std::make_shared<const std::string>(std::move(open_));
  open_.clear();
  pieces_.push_back({std::shared_ptr<const char>(block, block->data()), block->size()});
}

void CommandBuffer::append(const CommandBuffer& other) {
  seal();
  const std::size_t base = pieces_.size();
  other.pieces(pieces_);
  for (const Command& c : other.commands_) commands_.push_back({base + c.piece, c.offset, c.size});
}

CommandBuffer CommandBuffer::slice(std::span<const std::size_t> indexes) const {
  seal();
  CommandBuffer out;
  out.commands_.reserve(indexes.size());
  const Command* previous = nullptr;
  for (std::size_t i : indexes) {
    const Command& c = commands_[i];
    // Commands next to each other in one block stay one piece.
    if (previous && previous->piece == c.piece && previous->offset + previous->size == c.offset) {
      Piece& last = out.pieces_.back();
      out.commands_.push_back({out.pieces_.size() - 1, last.size, c.size});
      last.size += c.size;
    } else {
      const Piece& from = pieces_[c.piece];
      out.commands_.push_back({out.pieces_.size(), 0, c.size});
      out.pieces_.push_back({std::shared_ptr<const char>(from.data, from.data.get() + c.offset), c.size});
    }
    previous = &c;
  }
  return out;
}

void CommandBuffer::pieces(std::vector<Piece>& out) const {
  seal();
  out.insert(out.end(), pieces_.begin(), pieces_.end());
}

}  // namespace bytestore::redis
