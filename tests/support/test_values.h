// Values and checks the backend tests share: self-checking byte patterns,
// hex for comparing bytes with a script's output, an Error's code.
#pragma once

#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

namespace bytestore::testing {

// A value of `size` bytes that differs for every (seed, position).
inline Bytes pattern_value(std::uint64_t seed, std::size_t size) {
  Bytes value(size, '\0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (char& c : value) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>(x);
  }
  return value;
}

// Lower-case hex of `bytes`, as Python's bytes.hex().
inline std::string hex(std::string_view bytes) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) (out += digits[c >> 4]) += digits[c & 15];
  return out;
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace bytestore::testing

// Checks that `statement` throws bytestore::Error with `expected` and
// returns its message ("" when it did not throw as expected).
#define EXPECT_ERRC(statement, expected)                                             \
  [&]() -> std::string {                                                             \
    try {                                                                            \
      statement;                                                                     \
      ADD_FAILURE() << #statement " did not throw";                                  \
    } catch (const ::bytestore::Error& e) {                                          \
      EXPECT_EQ(::bytestore::to_string(e.code()), ::bytestore::to_string(expected)) \
          << e.what();                                                               \
      return e.what();                                                               \
    }                                                                                \
    return {};                                                                       \
  }()
