// What the lmdb tests share: a scratch directory per test and a way to
// open an lmdb store in it.
#pragma once

#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include "scratch_dir.h"
#include "test_values.h"

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

using bytestore::testing::pattern_value;

}  // namespace bytestore::lmdb::testing
