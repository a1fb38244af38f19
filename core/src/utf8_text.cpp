#include "utf8_text.h"

#include <cstdint>
#include <cstring>

namespace bytestore {
namespace internal {

std::size_t utf8_sequence_length(std::string_view text) noexcept {
  if (text.empty()) return 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  const unsigned char c = s[0];
  if (c < 0x80) return 1;
  std::size_t len;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;  // no overlong forms
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;  // nothing past U+10FFFF
  } else {
    return 0;
  }
  if (n < len || s[1] < lo || s[1] > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if ((s[k] & 0xC0) != 0x80) return 0;
  return len;
}

}  // namespace internal

namespace {

// Whether every byte is below 0x80, tested a word at a time: keys are
// mostly ASCII, and then this is the whole UTF-8 check.
bool is_ascii(std::string_view text) noexcept {
  const char* p = text.data();
  const std::size_t n = text.size();
  if (n < 8) {
    unsigned bits = 0;
    for (std::size_t i = 0; i < n; ++i) bits |= static_cast<unsigned char>(p[i]);
    return bits < 0x80;
  }
  std::uint64_t bits = 0, word;
  for (std::size_t i = 0; i + 8 <= n; i += 8) {
    std::memcpy(&word, p + i, sizeof word);
    bits |= word;
  }
  std::memcpy(&word, p + n - 8, sizeof word);  // the tail, overlapping the last word read
  bits |= word;
  return (bits & 0x8080808080808080u) == 0;
}

}  // namespace

using internal::utf8_sequence_length;

bool is_valid_utf8(std::string_view text) noexcept {
  if (is_ascii(text)) return true;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Pass eight ASCII bytes at a time.
    if (n - i >= 8) {
      std::uint64_t word;
      std::memcpy(&word, s + i, sizeof word);
      if ((word & 0x8080808080808080u) == 0) {
        i += 8;
        continue;
      }
    }
    const std::size_t len = utf8_sequence_length(text.substr(i));
    if (len == 0) return false;
    i += len;
  }
  return true;
}

std::string printable(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = utf8_sequence_length(text.substr(i));
    if (len > 1) {
      out.append(text.substr(i, len));
      i += len;
      continue;
    }
    if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (len == 0 || c < 0x20 || c == 0x7f) {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else {
      out += static_cast<char>(c);
    }
    ++i;
  }
  return out;
}

std::string quoted(std::string_view text, std::size_t shown) {
  if (text.size() <= shown) return "'" + printable(text) + "'";
  std::size_t cut = shown;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return "'" + printable(text.substr(0, cut)) + "...'";
}

}  // namespace bytestore
