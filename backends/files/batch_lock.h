// The lock every write batch holds on the root directory (flock, so it
// spans processes and dies with its holder). Writes take it shared and run
// side by side; turning a key's file into a directory takes it exclusive,
// so no write renames a value over the file while its value is moved.
// Readers never lock.
#pragma once

#include <fcntl.h>
#include <sys/file.h>

#include <cerrno>
#include <string>

#include "posix_error.h"
#include "unique_fd.h"

namespace bytestore::files {

class BatchLock {
 public:
  enum class Mode { shared, exclusive };

  // Each lock opens the root anew: flock belongs to an open file, so
  // threads sharing one descriptor would share one lock.
  BatchLock(int root_fd, const std::string& root, Mode mode)
      : fd_(::openat(root_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)), root_(root) {
    if (!fd_) throw_posix("opening", root, errno);
    take(mode);
  }

  bool exclusive() const { return mode_ == Mode::exclusive; }

  // Shared to exclusive (not atomically: other writers may run between).
  void make_exclusive() { take(Mode::exclusive); }

 private:
  void take(Mode mode) {
    while (::flock(fd_.get(), mode == Mode::shared ? LOCK_SH : LOCK_EX) != 0)
      if (errno != EINTR) throw_posix("locking", root_, errno);
    mode_ = mode;
  }

  UniqueFd fd_;
  const std::string& root_;
  Mode mode_ = Mode::shared;
};

}  // namespace bytestore::files
