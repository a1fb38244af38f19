// Positions in a config file, and errors that start with them.
#pragma once

#include <bytestore/error.hpp>

#include <string>
#include <string_view>

namespace bytestore::config {

// A 1-based line and column; 0 means unknown.
struct SourceMark {
  int line = 0;
  int column = 0;
};

// "file:line:column: message" (or "file: message" when the mark is unknown).
inline std::string at(std::string_view source, SourceMark mark, std::string_view message) {
  std::string out(source);
  if (mark.line > 0) out += ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
  out += ": ";
  out += message;
  return out;
}

[[noreturn]] inline void fail(std::string_view source, SourceMark mark, std::string_view message,
                              Errc code = Errc::config) {
  throw Error(code, at(source, mark, message));
}

}  // namespace bytestore::config
