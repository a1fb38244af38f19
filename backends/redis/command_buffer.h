// Commands in the wire format, formatted by hiredis, appended one after
// another so a whole pipeline goes out in one write.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>

namespace bytestore::redis {

class CommandBuffer {
 public:
  void add(std::span<const std::string_view> arguments);
  void add(std::initializer_list<std::string_view> arguments) { add({arguments.begin(), arguments.size()}); }
  void append(const CommandBuffer& other);

  std::size_t count() const { return count_; }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
  std::size_t count_ = 0;
};

}  // namespace bytestore::redis
