// Stored bytes as a layer's error messages show them. Plugins do not link
// libbytestore (whose quoted() this mirrors), and a message must never
// carry raw control bytes.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bytestore::layers {

inline constexpr char kHexDigits[] = "0123456789abcdef";

// One byte as "0x7f".
inline std::string hex_byte(unsigned char byte) { return {'0', 'x', kHexDigits[byte >> 4], kHexDigits[byte & 15]}; }

// `key` in single quotes, control bytes and backslashes escaped as \xNN,
// its first `shown` bytes only (then "..."). Keys reaching a layer are
// UTF-8 (core checks them), so bytes of 0x80 and up pass unchanged; the
// cut never splits a character.
inline std::string quoted_key(std::string_view key, std::size_t shown = 40) {
  const bool cut = key.size() > shown;
  if (cut) {
    while (shown > 0 && (static_cast<unsigned char>(key[shown]) & 0xC0) == 0x80) --shown;
    key = key.substr(0, shown);
  }
  std::string out = "'";
  for (const char ch : key) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f || c == '\\') {
      out += "\\x";
      out += kHexDigits[c >> 4];
      out += kHexDigits[c & 15];
    } else {
      out += ch;
    }
  }
  return out + (cut ? "...'" : "'");
}

}  // namespace bytestore::layers
