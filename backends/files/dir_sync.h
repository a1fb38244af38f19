// The directories one batch changed, fsynced once each when it ends, so a
// batch of many keys in one directory costs one directory sync.
#pragma once

#include <map>
#include <string>

#include "unique_fd.h"

namespace bytestore::files {

class DirSync {
 public:
  // `enabled`: false makes every call a no-op (sync: none).
  explicit DirSync(bool enabled) : enabled_(enabled) {}

  bool enabled() const { return enabled_; }
  // Marks the directory open as `fd`, at `path`, as changed; keeps a
  // duplicate of the descriptor until flush.
  void add(const std::string& path, int fd);
  // fsyncs every marked directory; throws Error(Errc::io) naming the
  // first that fails.
  void flush();

 private:
  bool enabled_;
  std::map<std::string, UniqueFd> dirs_;
};

}  // namespace bytestore::files
