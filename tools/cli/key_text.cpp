#include "key_text.h"

#include "cli_args.h"

namespace bytestore::cli {
namespace {

// The length of the well-formed UTF-8 sequence `text` starts with (no
// overlong forms, surrogates or code points past U+10FFFF); 0 if none.
std::size_t sequence_length(std::string_view text) noexcept {
  if (text.empty()) return 0;
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char c = s[0];
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (text.size() < len || s[1] < lo || s[1] > hi) return 0;
  for (std::size_t k = 2; k < len; ++k)
    if ((s[k] & 0xC0) != 0x80) return 0;
  return len;
}

void hex(std::string& out, unsigned char byte) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += "\\x";
  out += kHex[byte >> 4];
  out += kHex[byte & 15];
}

}  // namespace

bool is_valid_utf8(std::string_view text) noexcept {
  while (!text.empty()) {
    const std::size_t n = sequence_length(text);
    if (n == 0) return false;
    text.remove_prefix(n);
  }
  return true;
}

std::string printable(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  while (!text.empty()) {
    const auto byte = static_cast<unsigned char>(text.front());
    const std::size_t n = sequence_length(text);
    if (byte == '\n') {
      out += "\\n";
    } else if (byte == '\r') {
      out += "\\r";
    } else if (byte == '\t') {
      out += "\\t";
    } else if (n == 0 || byte < 0x20 || byte == 0x7f) {
      hex(out, byte);
    } else {
      out.append(text.substr(0, n));
      text.remove_prefix(n);
      continue;
    }
    text.remove_prefix(1);
  }
  return out;
}

std::string quoted_key(std::string_view key) {
  constexpr std::size_t kShown = 60;
  if (key.size() <= kShown) return "'" + printable(key) + "'";
  std::size_t cut = kShown;
  while (cut > 0 && (static_cast<unsigned char>(key[cut]) & 0xC0) == 0x80) --cut;
  return "'" + printable(key.substr(0, cut)) + "...' (" + std::to_string(key.size()) + " bytes)";
}

void check_command_line_key(std::string_view key) {
  if (key.empty()) throw UsageError("a key cannot be empty");
  if (!is_valid_utf8(key))
    throw UsageError("key " + quoted_key(key) + " is not valid UTF-8; keys are UTF-8 text");
}

void check_command_line_prefix(std::string_view prefix) {
  if (!is_valid_utf8(prefix))
    throw UsageError("prefix " + quoted_key(prefix) + " is not valid UTF-8; keys are UTF-8 text");
}

}  // namespace bytestore::cli
