// What the lmdb tests share: a scratch directory per test and a way to
// open an lmdb store in it.
#pragma once

#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include "scratch_dir.h"

#include <filesystem>
#include <memory>
#include <string>

namespace bytestore::lmdb::testing {

// Scratch directories named after the backend.
class ScratchDir : public bytestore::testing::ScratchDir {
 public:
  ScratchDir() : bytestore::testing::ScratchDir("bytestore-lmdb") {}
};

// Opens an lmdb store at `path`; `extra` holds more options in YAML flow
// syntax, e.g. "map_size: 1MiB, read_only: true".
inline std::unique_ptr<ByteStore> open_lmdb(const std::string& path, const std::string& extra = {}) {
  return open_yaml("stores: {s: {backend: lmdb, path: '" + path + "'" +
                   (extra.empty() ? "" : ", " + extra) + "}}\ndefault: s\n");
}

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

}  // namespace bytestore::lmdb::testing
