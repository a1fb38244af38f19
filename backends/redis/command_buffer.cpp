#include "command_buffer.h"

#include <hiredis/hiredis.h>

#include <new>
#include <vector>

namespace bytestore::redis {

void CommandBuffer::add(std::span<const std::string_view> arguments) {
  std::vector<const char*> data;
  std::vector<std::size_t> sizes;
  data.reserve(arguments.size());
  sizes.reserve(arguments.size());
  for (std::string_view argument : arguments) {
    data.push_back(argument.data());
    sizes.push_back(argument.size());
  }
  char* formatted = nullptr;
  const int length = redisFormatCommandArgv(&formatted, static_cast<int>(arguments.size()), data.data(), sizes.data());
  if (length < 0) throw std::bad_alloc();
  bytes_.append(formatted, static_cast<std::size_t>(length));
  redisFreeCommand(formatted);
  ++count_;
}

void CommandBuffer::append(const CommandBuffer& other) {
  bytes_ += other.bytes_;
  count_ += other.count_;
}

}  // namespace bytestore::redis
