#include "prefix_range.h"

#include <cstdint>

namespace bytestore::astra {
namespace {

std::size_t sequence_length(unsigned char lead) {
  return lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
}

void append_utf8(std::string& out, std::uint32_t cp) {
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
}

}  // namespace

std::optional<std::string> prefix_successor(std::string_view prefix) {
  std::string head(prefix);
  while (!head.empty()) {
    // Find the start of the last code point.
    std::size_t start = head.size() - 1;
    while (start > 0 && (static_cast<unsigned char>(head[start]) & 0xC0) == 0x80) --start;
    const auto lead = static_cast<unsigned char>(head[start]);
    const std::size_t len = sequence_length(lead);
    std::uint32_t cp = len == 1 ? lead : lead & (0xFF >> (len + 1));
    for (std::size_t i = start + 1; i < head.size(); ++i)
      cp = (cp << 6) | (static_cast<unsigned char>(head[i]) & 0x3F);
    head.resize(start);
    if (cp == 0x10FFFF) continue;  // no greater code point: carry into the previous one
    ++cp;
    if (cp == 0xD800) cp = 0xE000;  // surrogates are not characters
    append_utf8(head, cp);
    return head;
  }
  return std::nullopt;
}

}  // namespace bytestore::astra
