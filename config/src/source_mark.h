// Positions in a config file, and errors that start with them.
#pragma once

#include <bytestore/error.hpp>
#include <bytestore/text.hpp>

#include <string>
#include <string_view>

namespace bytestore::config {

// A 1-based line and column; 0 means unknown.
struct SourceMark {
  int line = 0;
  int column = 0;
};

// "file:line:column: message" (or "file: message" when the mark is unknown),
// always one line: control characters and invalid UTF-8 (from quoted
// names, say) are written as escapes.
inline std::string at(std::string_view source, SourceMark mark, std::string_view message) {
  std::string raw(source);
  if (mark.line > 0) raw += ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column);
  raw += ": ";
  raw += message;
  return printable(raw);
}

[[noreturn]] inline void fail(std::string_view source, SourceMark mark, std::string_view message,
                              Errc code = Errc::config) {
  throw Error(code, at(source, mark, message));
}

}  // namespace bytestore::config
