// A listing of the keys under a prefix: a depth-first walk of only the
// directories the prefix can reach, one open directory per level, so its
// memory is bounded by the depth of the tree, not by its size. Keys come in
// directory order (not sorted). Each name is decoded, and a key is sent
// only from the one path its own encoding gives, so foreign files are
// never keys and no key is sent twice.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <dirent.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tree.h"

namespace bytestore::files {

class KeyCursor final : public sdk::Cursor {
 public:
  KeyCursor(std::shared_ptr<const Tree> tree, std::string prefix, std::uint64_t page_size);
  ~KeyCursor() override;

  bool next(const sdk::KeySink& sink) override;

 private:
  struct Level {
    DIR* stream = nullptr;
    std::string keys;      // what every key below starts with ("a/" for directory a)
    std::string own_key;   // the key whose value "%=" holds here; empty: none
  };

  // Opens `name` in the innermost level (or the root) as a new level.
  bool push(int parent, const std::string& name, std::string keys, std::string own_key);
  void pop();
  // Whether a key starting with `keys` (or `own_key` itself) can match.
  bool reachable(const std::string& keys, const std::string& own_key) const;
  // Whether `key`, found at `names_` plus `last`, sits where its encoding says.
  bool canonical(const std::string& key, const std::string& last) const;
  std::string path_with(const std::string& last) const;

  std::shared_ptr<const Tree> tree_;
  std::string prefix_;
  std::uint64_t page_size_;
  std::vector<Level> levels_;
  std::vector<std::string> names_;  // the path of the innermost level, from the root
};

}  // namespace bytestore::files
