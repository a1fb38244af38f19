#include "scan_pattern.h"

namespace bytestore::redis {

std::string scan_pattern(std::string_view literal_prefix) {
  std::string pattern;
  pattern.reserve(literal_prefix.size() + 1);
  for (char c : literal_prefix) {
    // Redis's stringmatchlen treats these as special; a backslash makes
    // the next byte literal.
    if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\' || c == '^' || c == '-') pattern += '\\';
    pattern += c;
  }
  pattern += '*';
  return pattern;
}

}  // namespace bytestore::redis
