#include "dir_sync.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "posix_error.h"

namespace bytestore::files {

void DirSync::add(const std::string& path, int fd) {
  if (!enabled_ || dirs_.contains(path)) return;
  UniqueFd copy(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  if (!copy) throw_posix("duplicating the descriptor of", path, errno);
  dirs_.emplace(path, std::move(copy));
}

void DirSync::flush() {
  for (auto& [path, fd] : dirs_)
    if (::fsync(fd.get()) != 0) throw_posix("fsync of", path, errno);
  dirs_.clear();
}

}  // namespace bytestore::files
