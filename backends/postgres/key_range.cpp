#include "key_range.h"

#include <cstdint>

namespace bytestore::postgres {
namespace {

std::string encode(std::uint32_t cp) {
  std::string out;
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return out;
}

}  // namespace

std::optional<std::string> code_point_successor(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty()) {
    // The last code point: back over continuation bytes to its lead byte.
    std::size_t start = bound.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(bound[start]) & 0xC0) == 0x80) --start;
    const auto* s = reinterpret_cast<const unsigned char*>(bound.data() + start);
    const std::size_t n = bound.size() - start;
    std::uint32_t cp = n == 1 ? s[0] : n == 2 ? (s[0] & 0x1F) : n == 3 ? (s[0] & 0x0F) : (s[0] & 0x07);
    for (std::size_t i = 1; i < n; ++i) cp = (cp << 6) | (s[i] & 0x3F);
    bound.resize(start);
    if (cp == 0x10FFFF) continue;  // nothing above it: the one before goes up
    std::uint32_t next = cp + 1;
    if (next == 0xD800) next = 0xE000;  // surrogates are not characters
    return bound + encode(next);
  }
  return std::nullopt;
}

}  // namespace bytestore::postgres
