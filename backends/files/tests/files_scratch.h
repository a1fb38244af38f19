// What the files tests share: a scratch directory per test, a way to open
// a files store on a root in it, and a look at the tree on disk.
#pragma once

#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "scratch_dir.h"
#include "test_values.h"

namespace bytestore::files::testing {

namespace fs = std::filesystem;

class ScratchDir : public bytestore::testing::ScratchDir {
 public:
  ScratchDir() : bytestore::testing::ScratchDir("bytestore-files") {}
};

// Opens a files store on `root`; `extra` holds more options in YAML flow
// syntax, e.g. "sync: none, page_size: 3".
inline std::unique_ptr<ByteStore> open_files(const std::string& root, const std::string& extra = {}) {
  return open_yaml("stores: {s: {backend: files, root: '" + root + "'" +
                   (extra.empty() ? "" : ", " + extra) + "}}\ndefault: s\n");
}

// Every path under `root`, relative to it, files and directories alike.
inline std::vector<std::string> tree_of(const fs::path& root) {
  std::vector<std::string> paths;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    paths.push_back(fs::relative(entry.path(), root).string());
  std::sort(paths.begin(), paths.end());
  return paths;
}

inline std::vector<std::string> sorted_keys(ByteStore& store, std::string_view prefix = {}) {
  std::vector<std::string> keys;
  for (const std::string& key : store.yield_keys(prefix)) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

using bytestore::testing::pattern_value;

}  // namespace bytestore::files::testing
