#include "key_path.h"

#include <cstdint>

namespace bytestore::files {
namespace {

constexpr char kHex[] = "0123456789ABCDEF";

bool is_name_char(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool is_literal_segment(std::string_view segment) {
  if (segment.empty() || segment == "." || segment == ".." || segment.size() > kMaxNameBytes)
    return false;
  for (unsigned char c : segment)
    if (!is_name_char(c)) return false;
  return true;
}

std::size_t escaped_size(unsigned char c) { return is_name_char(c) ? 1 : 3; }

void append_escaped(std::string& out, unsigned char c) {
  if (is_name_char(c)) {
    out += static_cast<char>(c);
  } else {
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 0xF];
  }
}

// Appends the names of one segment.
void append_segment(std::vector<std::string>& names, std::string_view segment) {
  if (is_literal_segment(segment)) {
    names.emplace_back(segment);
    return;
  }
  std::size_t rest = 0;
  for (unsigned char c : segment) rest += escaped_size(c);
  std::size_t i = 0;
  // Whole chunks "%+BODY" while what is left does not fit one "%BODY".
  while (1 + rest > kMaxNameBytes) {
    std::string name = "%+";
    while (name.size() + escaped_size(segment[i]) <= kMaxNameBytes) {
      rest -= escaped_size(segment[i]);
      append_escaped(name, segment[i++]);
    }
    names.push_back(std::move(name));
  }
  std::string name = "%";
  for (; i < segment.size(); ++i) append_escaped(name, segment[i]);
  names.push_back(std::move(name));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool is_langchain_key(std::string_view key) {
  for (std::size_t start = 0;;) {
    const std::size_t slash = key.find('/', start);
    if (!is_literal_segment(key.substr(start, slash - start))) return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

std::vector<std::string> names_of(std::string_view key) {
  std::vector<std::string> names;
  for (std::size_t start = 0;;) {
    const std::size_t slash = key.find('/', start);
    append_segment(names, key.substr(start, slash - start));
    if (slash == std::string_view::npos) return names;
    start = slash + 1;
  }
}

std::optional<Fragment> decode_name(std::string_view name) {
  if (name.empty()) return std::nullopt;
  if (name[0] != '%') {
    if (!is_literal_segment(name)) return std::nullopt;
    return Fragment{std::string(name), false};
  }
  Fragment fragment;
  std::string_view body = name.substr(1);
  if (body.starts_with('+')) {
    fragment.continues = true;
    body.remove_prefix(1);
    if (body.empty()) return std::nullopt;
  }
  for (std::size_t i = 0; i < body.size(); ++i) {
    const unsigned char c = body[i];
    if (is_name_char(c)) {
      fragment.bytes += static_cast<char>(c);
      continue;
    }
    if (c != '%' || i + 2 >= body.size()) return std::nullopt;
    const int high = hex_value(body[i + 1]), low = hex_value(body[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    fragment.bytes += static_cast<char>((high << 4) | low);
    i += 2;
  }
  return fragment;
}

}  // namespace bytestore::files
