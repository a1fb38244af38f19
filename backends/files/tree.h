// The root directory and the files under it: every system call of the
// backend goes through here.
//
// Paths are never resolved by the kernel from the root down: each name is
// opened relative to its parent's descriptor with O_NOFOLLOW, so no key and
// no planted symbolic link can reach outside the root. A write goes to a
// temporary file in the target directory and is renamed over the old
// value; readers and crashes see the old value or the new, never a mix.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dir_sync.h"
#include "unique_fd.h"

namespace bytestore::files {

struct TreeSettings {
  std::optional<mode_t> file_mode, dir_mode;  // nullopt: from the umask
  bool update_atime = false;
  bool sync = true;  // fsync files and directories before a write returns
};

class Tree {
 public:
  // Opens `root`, creating it (and its parents) if missing.
  Tree(const std::string& root, TreeSettings settings);

  const std::string& root() const { return root_; }
  int root_fd() const { return root_fd_.get(); }
  const TreeSettings& settings() const { return settings_; }
  // The path on disk of the first `count` of `names`, for messages.
  std::string path_of(const std::vector<std::string>& names, std::size_t count) const;

  // Reads the value stored at `names` into `out`; false when there is none.
  bool read(const std::vector<std::string>& names, std::string& out) const;

  // Writes `value` at `names`. Returns false, having written nothing, when
  // a directory the key needs is the file of another key and `may_convert`
  // is false: turning that file into a directory needs the exclusive lock.
  bool write(const std::vector<std::string>& names, std::string_view value, bool may_convert,
             DirSync& sync) const;

  // Removes the value at `names`, then every directory that leaves empty.
  void remove(const std::vector<std::string>& names, DirSync& sync) const;

  // Removes abandoned temporary files and empty directories everywhere,
  // and turns each directory that holds only its own key's value back into
  // that key's file. Needs the exclusive lock.
  void tidy() const;

  // Removes `name` in `dir` if it is an abandoned temporary file (or the
  // directory a conversion left).
  void remove_if_abandoned(int dir, const std::string& name) const;

 private:
  enum class Walk { opened, absent, blocked };
  Walk open_dirs(const std::vector<std::string>& names, std::size_t count, bool create,
                 bool may_convert, std::vector<UniqueFd>& dirs, DirSync& sync) const;
  // Whether it made the directory (false: it exists, or the parent went).
  bool make_dir(int parent, const std::string& name, const std::string& path) const;
  bool convert_to_dir(int parent, const std::string& name, const std::string& path,
                      DirSync& sync) const;
  std::string write_temp(int dir, std::string_view value, const std::string& dir_path,
                         bool& vanished) const;
  void tidy_dir(int dir, const std::string& path) const;

  std::string root_;
  TreeSettings settings_;
  UniqueFd root_fd_;
};

}  // namespace bytestore::files
