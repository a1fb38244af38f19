#include "json_values.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdio>

namespace bytestore::dataapi {
namespace {

constexpr std::array<std::string_view, 4> kExtendedKeys = {"$date", "$uuid", "$objectId", "$binary"};

bool is_number(const json::value& v) { return v.is_int64() || v.is_uint64() || v.is_double(); }

double as_double(const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return v.get_double();
}

int compare_numbers(const json::value& a, const json::value& b) {
  if (a.is_int64() && b.is_int64()) {
    const auto x = a.get_int64(), y = b.get_int64();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  const double x = as_double(a), y = as_double(b);
  return x < y ? -1 : (x > y ? 1 : 0);
}

// The time of a {"$date": ms} value.
std::optional<double> date_of(const json::value& v) {
  if (!v.is_object()) return std::nullopt;
  const auto& o = v.get_object();
  if (o.size() != 1) return std::nullopt;
  const auto* d = o.if_contains("$date");
  if (d == nullptr || !is_number(*d)) return std::nullopt;
  return as_double(*d);
}

// Big-endian bytes of a double that sort as the numbers do.
std::string ordered_double_bytes(double d) {
  if (d == 0) d = 0;  // one key for -0 and +0
  auto bits = std::bit_cast<std::uint64_t>(d);
  bits = (bits & (std::uint64_t{1} << 63)) ? ~bits : (bits | (std::uint64_t{1} << 63));
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<std::size_t>(i)] = static_cast<char>(bits & 0xff);
    bits >>= 8;
  }
  return out;
}

}  // namespace

bool is_extended_value(const json::value& v) {
  if (!v.is_object() || v.get_object().size() != 1) return false;
  const auto key = std::string_view(v.get_object().begin()->key());
  return std::find(kExtendedKeys.begin(), kExtendedKeys.end(), key) != kExtendedKeys.end();
}

bool is_valid_id(const json::value& id) {
  if (id.is_string() || is_number(id) || id.is_bool() || id.is_null()) return true;
  if (!is_extended_value(id)) return false;
  const auto& member = *id.get_object().begin();
  if (member.key() == "$date") return is_number(member.value());
  return (member.key() == "$uuid" || member.key() == "$objectId") && member.value().is_string();
}

std::string id_key(const json::value& id) {
  if (id.is_null()) return std::string(1, '\x00');
  if (id.is_bool()) return std::string(1, '\x01') + (id.get_bool() ? '\x01' : '\x00');
  if (is_number(id)) return std::string(1, '\x02') + ordered_double_bytes(as_double(id));
  if (id.is_string()) return std::string(1, '\x03') + std::string(id.get_string());
  if (auto d = date_of(id)) return std::string(1, '\x04') + ordered_double_bytes(*d);
  return std::string(1, '\x05') + json::serialize(id);
}

bool values_equal(const json::value& a, const json::value& b) {
  if (is_number(a) && is_number(b)) return compare_numbers(a, b) == 0;
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case json::kind::array: {
      const auto& x = a.get_array();
      const auto& y = b.get_array();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i)
        if (!values_equal(x[i], y[i])) return false;
      return true;
    }
    case json::kind::object: {
      const auto& x = a.get_object();
      const auto& y = b.get_object();
      if (x.size() != y.size()) return false;
      for (const auto& member : x) {
        const auto* other = y.if_contains(member.key());
        if (other == nullptr || !values_equal(member.value(), *other)) return false;
      }
      return true;
    }
    default:
      return a == b;
  }
}

std::optional<int> compare_values(const json::value& a, const json::value& b) {
  if (is_number(a) && is_number(b)) return compare_numbers(a, b);
  if (a.is_string() && b.is_string()) {
    // std::string_view compares as unsigned chars: UTF-8 byte order.
    const int c = std::string_view(a.get_string()).compare(std::string_view(b.get_string()));
    return c < 0 ? -1 : (c > 0 ? 1 : 0);
  }
  if (a.is_bool() && b.is_bool()) return static_cast<int>(a.get_bool()) - static_cast<int>(b.get_bool());
  const auto x = date_of(a), y = date_of(b);
  if (x && y) return *x < *y ? -1 : (*x > *y ? 1 : 0);
  return std::nullopt;
}

const json::value* find_path(const json::object& doc, std::string_view path) {
  const json::object* object = &doc;
  const json::value* current = nullptr;
  while (true) {
    const auto dot = path.find('.');
    const auto segment = path.substr(0, dot);
    if (object != nullptr) {
      current = object->if_contains(segment);
    } else if (current != nullptr && current->is_array()) {
      std::size_t index = 0;
      if (segment.empty() || !std::all_of(segment.begin(), segment.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return nullptr;
      for (char c : segment) index = index * 10 + static_cast<std::size_t>(c - '0');
      const auto& array = current->get_array();
      current = index < array.size() ? &array[index] : nullptr;
    } else {
      return nullptr;
    }
    if (current == nullptr || dot == std::string_view::npos) return current;
    path.remove_prefix(dot + 1);
    object = current->is_object() ? &current->get_object() : nullptr;
  }
}

std::size_t utf16_length(std::string_view utf8) {
  std::size_t n = 0;
  for (const char ch : utf8) {
    const auto c = static_cast<unsigned char>(ch);
    if ((c & 0xc0) != 0x80) n += (c >= 0xf0) ? 2 : 1;
  }
  return n;
}

std::string base64_encode(std::string_view bytes) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const unsigned n = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) | static_cast<unsigned char>(bytes[i + 2]);
    out += {kAlphabet[n >> 18], kAlphabet[(n >> 12) & 63], kAlphabet[(n >> 6) & 63], kAlphabet[n & 63]};
  }
  if (const std::size_t rest = bytes.size() - i; rest > 0) {
    unsigned n = static_cast<unsigned char>(bytes[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out += kAlphabet[n >> 18];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

std::optional<std::string> base64_decode(std::string_view text) {
  auto sextet = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  };
  if (text.size() % 4 != 0) return std::nullopt;
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (std::size_t i = 0; i < text.size(); i += 4) {
    int v[4];
    int pad = 0;
    for (int j = 0; j < 4; ++j) {
      const char c = text[i + static_cast<std::size_t>(j)];
      if (c == '=' && i + 4 == text.size() && j >= 2) {
        v[j] = 0;
        ++pad;
      } else if (pad > 0 || (v[j] = sextet(c)) < 0) {
        return std::nullopt;
      }
    }
    const unsigned n = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                       (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
    out += static_cast<char>(n >> 16);
    if (pad < 2) out += static_cast<char>((n >> 8) & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

std::string random_uuid(std::mt19937_64& rng) {
  std::uint64_t hi = rng(), lo = rng();
  hi = (hi & ~std::uint64_t{0xf000}) | 0x4000;                                   // version 4
  lo = (lo & ~(std::uint64_t{0xc} << 60)) | (std::uint64_t{0x8} << 60);         // variant 10
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xffff), static_cast<unsigned>(hi & 0xffff),
                static_cast<unsigned>(lo >> 48), static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return text;
}

}  // namespace bytestore::dataapi
