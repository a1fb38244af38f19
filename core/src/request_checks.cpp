#include "request_checks.h"

#include <bytestore/error.hpp>

#include <cstdint>
#include <cstring>

namespace bytestore::internal {

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
    const unsigned char c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
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
      return false;
    }
    if (n - i < len || s[i + 1] < lo || s[i + 1] > hi) return false;
    for (std::size_t k = 2; k < len; ++k)
      if ((s[i + k] & 0xC0) != 0x80) return false;
    i += len;
  }
  return true;
}

std::string quote_key(std::string_view key) {
  constexpr std::size_t kShown = 40;
  if (key.size() <= kShown) return "'" + std::string(key) + "'";
  std::size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
  return "'" + std::string(key.substr(0, cut)) + "...'";
}

void check_key(std::string_view key, const Capabilities& caps) {
  if (key.empty()) throw Error(Errc::invalid_argument, "empty key");
  if (key.size() > caps.max_key_bytes)
    throw Error(Errc::limit_exceeded, "key of " + std::to_string(key.size()) +
                                          " bytes exceeds the " +
                                          std::to_string(caps.max_key_bytes) +
                                          "-byte limit of this backend");
  if (!is_valid_utf8(key))
    throw Error(Errc::invalid_argument, "key " + quote_key(key) + " is not valid UTF-8");
}

void check_keys(std::span<const std::string> keys, const Capabilities& caps) {
  for (const std::string& key : keys) check_key(key, caps);
}

void check_pairs(std::span<const KeyValue> pairs, const Capabilities& caps) {
  for (const auto& [key, value] : pairs) {
    check_key(key, caps);
    if (value.size() > caps.max_value_bytes)
      throw Error(Errc::limit_exceeded, "value of " + std::to_string(value.size()) +
                                            " bytes for key " + quote_key(key) +
                                            " exceeds the " +
                                            std::to_string(caps.max_value_bytes) +
                                            "-byte limit of this backend");
  }
}

}  // namespace bytestore::internal
