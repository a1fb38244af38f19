#include "tree.h"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bytestore/error.hpp>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <filesystem>
#include <system_error>

#include "key_path.h"
#include "posix_error.h"
#include "temp_name.h"

namespace bytestore::files {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
constexpr int kReadFlags = O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC;
// Steps one call may retry when concurrent deletes remove the directories
// it is working in (each retry follows a change made by another writer).
constexpr int kRetries = 64;

int open_dir(int parent, const std::string& name) { return ::openat(parent, name.c_str(), kDirFlags); }

// The file type of `name` in `dir`, not following links; 0 when it is gone.
mode_t type_of(int dir, const std::string& name) {
  struct stat st;
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return 0;
  return st.st_mode & S_IFMT;
}

// Opens the first `count` of `names` relative to `root` in one call that
// follows no link and never leaves the root (openat2, Linux 5.6); -1 with
// errno set when it fails, ENOSYS when this kernel (or a sandbox) lacks it.
int open_beneath(int root, const std::vector<std::string>& names, std::size_t count, int flags) {
  static std::atomic<bool> unsupported{false};
  if (unsupported.load(std::memory_order_relaxed)) {
    errno = ENOSYS;
    return -1;
  }
  std::string path;
  for (std::size_t i = 0; i < count; ++i) {
    if (i > 0) path += '/';
    path += names[i];
  }
  open_how how{};
  how.flags = static_cast<std::uint64_t>(flags);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  const long fd = ::syscall(SYS_openat2, root, path.c_str(), &how, sizeof how);
  if (fd < 0 && (errno == ENOSYS || errno == EPERM)) {
    unsupported.store(true, std::memory_order_relaxed);
    errno = ENOSYS;
  }
  return static_cast<int>(fd);
}

[[noreturn]] void throw_changing(const std::string& path) {
  throw Error(Errc::unavailable,
              "'" + path + "' kept changing under concurrent writers and deletes; try again");
}

// Reads the `size` bytes of `fd` into `out`; fewer if it is shorter now
// (values are replaced by rename, so the file read never changes).
void read_all(int fd, std::size_t size, std::string& out, const std::string& path) {
  out.resize(size);
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd, out.data() + done, size - done, static_cast<off_t>(done));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_posix("reading", path, errno);
    }
    if (n == 0) break;
    done += static_cast<std::size_t>(n);
  }
  out.resize(done);
}

void write_all(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_posix("writing the new value of", path, errno);
    }
    data.remove_prefix(static_cast<std::size_t>(n));
  }
}

}  // namespace

Tree::Tree(const std::string& root, TreeSettings settings) : root_(root), settings_(settings) {
  std::error_code ec;
  const bool created = std::filesystem::create_directories(root, ec);
  if (ec) throw_posix("creating the root", root, ec.value());
  root_fd_.reset(::open(root.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_fd_) throw_posix("opening the root", root, errno);
  if (created && settings_.dir_mode && ::fchmod(root_fd_.get(), *settings_.dir_mode) != 0)
    throw_posix("setting the mode of", root, errno);
}

std::string Tree::path_of(const std::vector<std::string>& names, std::size_t count) const {
  std::string path = root_;
  for (std::size_t i = 0; i < count; ++i) (path += '/') += names[i];
  return path;
}

Tree::Walk Tree::open_dirs(const std::vector<std::string>& names, std::size_t count, bool create,
                           bool may_convert, std::vector<UniqueFd>& dirs, DirSync& sync) const {
  dirs.clear();
  std::size_t i = 0;
  for (int retries = 0; i < count;) {
    const int parent = i == 0 ? root_fd_.get() : dirs[i - 1].get();
    if (UniqueFd fd(open_dir(parent, names[i])); fd) {
      dirs.push_back(std::move(fd));
      ++i;
      continue;
    }
    const int err = errno;
    if (++retries > kRetries) throw_changing(path_of(names, i + 1));
    if (err == ENOENT) {
      if (!create) return Walk::absent;
      if (make_dir(parent, names[i], path_of(names, i + 1))) sync.add(path_of(names, i), parent);
      if (type_of(parent, names[i]) == 0) {  // the parent itself was removed meanwhile: start again
        dirs.clear();
        i = 0;
      }
      continue;
    }
    if (err == ENOTDIR) {  // a file or a link where a directory must be
      const mode_t type = type_of(parent, names[i]);
      if (type == S_IFLNK) throw_posix("opening", path_of(names, i + 1), ELOOP);
      if (type == 0) continue;  // gone meanwhile: look again
      if (type != S_IFREG)
        throw Error(Errc::io, "'" + path_of(names, i + 1) + "' is neither a directory nor a file");
      if (!create) return Walk::absent;  // another key's file: nothing lies under it
      if (!may_convert) return Walk::blocked;
      convert_to_dir(parent, names[i], path_of(names, i + 1), sync);
      continue;
    }
    throw_posix("opening the directory", path_of(names, i + 1), err);
  }
  return Walk::opened;
}

bool Tree::make_dir(int parent, const std::string& name, const std::string& path) const {
  if (::mkdirat(parent, name.c_str(), 0777) != 0) {
    if (errno == EEXIST || errno == ENOENT) return false;  // made by another writer, or the parent went
    throw_posix("creating the directory", path, errno);
  }
  if (!settings_.dir_mode) return true;
  // By descriptor, so the mode lands on the directory just made.
  UniqueFd fd(open_dir(parent, name));
  if (fd && ::fchmod(fd.get(), *settings_.dir_mode) != 0) throw_posix("setting the mode of", path, errno);
  return true;
}

bool Tree::convert_to_dir(int parent, const std::string& name, const std::string& path,
                          DirSync& sync) const {
  // The key's value moves into a new directory as "%=", and that directory
  // is exchanged with the file in one rename: readers always find the value.
  const std::string temp = make_temp_name();
  const std::string parent_path = path.substr(0, path.size() - name.size() - 1);
  const std::string temp_path = parent_path + "/" + temp;
  make_dir(parent, temp, temp_path);
  UniqueFd dir(open_dir(parent, temp));
  if (!dir) throw_posix("opening the directory", temp_path, errno);
  if (::linkat(parent, name.c_str(), dir.get(), std::string(kOwnValueName).c_str(), 0) != 0) {
    const int err = errno;
    ::unlinkat(parent, temp.c_str(), AT_REMOVEDIR);
    if (err == ENOENT) return false;  // the file went meanwhile
    throw_posix("linking the value of", path, err);
  }
  if (settings_.sync && ::fsync(dir.get()) != 0) throw_posix("fsync of", temp_path, errno);
  if (::renameat2(parent, temp.c_str(), parent, name.c_str(), RENAME_EXCHANGE) == 0) {
    ::unlinkat(parent, temp.c_str(), 0);  // the old file, under the temporary name now
  } else if (errno == EINVAL || errno == ENOSYS) {
    // No atomic exchange on this file system: a reader may miss the key
    // between these two steps (never see a wrong value).
    if (::unlinkat(parent, name.c_str(), 0) != 0 ||
        ::renameat(parent, temp.c_str(), parent, name.c_str()) != 0)
      throw_posix("turning into a directory", path, errno);
  } else {
    const int err = errno;
    ::unlinkat(dir.get(), std::string(kOwnValueName).c_str(), 0);
    ::unlinkat(parent, temp.c_str(), AT_REMOVEDIR);
    throw_posix("turning into a directory", path, err);
  }
  sync.add(parent_path, parent);
  return true;
}

std::string Tree::write_temp(int dir, std::string_view value, const std::string& path,
                             bool& vanished) const {
  std::string temp = make_temp_name();
  UniqueFd fd(::openat(dir, temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666));
  if (!fd) {
    if (errno == ENOENT) {
      vanished = true;
      return {};
    }
    throw_posix("creating the temporary file for", path, errno);
  }
  try {
    write_all(fd.get(), value, path);
    if (settings_.file_mode && ::fchmod(fd.get(), *settings_.file_mode) != 0)
      throw_posix("setting the mode of", path, errno);
    if (settings_.sync && ::fdatasync(fd.get()) != 0) throw_posix("fsync of", path, errno);
  } catch (...) {
    ::unlinkat(dir, temp.c_str(), 0);
    throw;
  }
  return temp;
}

bool Tree::read(const std::vector<std::string>& names, std::string& out) const {
  UniqueFd fd(open_beneath(root_fd_.get(), names, names.size(), kReadFlags));
  if (!fd && errno == ENOSYS) {  // no openat2: one name at a time
    std::vector<UniqueFd> dirs;
    DirSync none(false);
    const std::size_t last = names.size() - 1;
    if (open_dirs(names, last, false, false, dirs, none) != Walk::opened) return false;
    fd.reset(::openat(last == 0 ? root_fd_.get() : dirs.back().get(), names[last].c_str(), kReadFlags));
  }
  if (!fd) {
    if (errno == ENOENT || errno == ENOTDIR) return false;  // ENOTDIR: another key's file on the way
    throw_posix("opening", path_of(names, names.size()), errno);
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) throw_posix("reading", path_of(names, names.size()), errno);
  if (S_ISDIR(st.st_mode)) {  // the key's name is also a directory: its value is inside
    fd.reset(::openat(fd.get(), std::string(kOwnValueName).c_str(), kReadFlags));
    if (!fd) {
      if (errno == ENOENT) return false;
      throw_posix("opening", path_of(names, names.size()) + "/" + std::string(kOwnValueName), errno);
    }
    if (::fstat(fd.get(), &st) != 0) throw_posix("reading", path_of(names, names.size()), errno);
  }
  if (!S_ISREG(st.st_mode))
    throw Error(Errc::io, "'" + path_of(names, names.size()) + "' is not a regular file");
  read_all(fd.get(), static_cast<std::size_t>(st.st_size), out, path_of(names, names.size()));
  if (settings_.update_atime) {
    // As LangChain's update_atime: the access time only, the modification
    // time kept. A file this process may not touch keeps its times.
    const timespec times[2] = {{0, UTIME_NOW}, {0, UTIME_OMIT}};
    ::futimens(fd.get(), times);
  }
  return true;
}

bool Tree::write(const std::vector<std::string>& names, std::string_view value, bool may_convert,
                 DirSync& sync) const {
  std::vector<UniqueFd> dirs;
  const std::size_t last = names.size() - 1;
  for (int retries = 0; retries < kRetries; ++retries) {
    // The directory in one call when it exists; else name by name, making
    // what is missing.
    dirs.clear();
    if (last > 0) {
      if (UniqueFd fd(open_beneath(root_fd_.get(), names, last, kDirFlags)); fd)
        dirs.push_back(std::move(fd));
      else if (open_dirs(names, last, true, may_convert, dirs, sync) == Walk::blocked)
        return false;
    }
    const int parent = last == 0 ? root_fd_.get() : dirs.back().get();
    bool vanished = false;
    const std::string temp = write_temp(parent, value, path_of(names, names.size()), vanished);
    if (vanished) continue;  // a concurrent delete removed the directory
    if (::renameat(parent, temp.c_str(), parent, names[last].c_str()) == 0) {
      if (sync.enabled()) sync.add(path_of(names, last), parent);
      return true;
    }
    int err = errno;
    if (err == EISDIR) {
      // The key's name is also another key's directory: the value goes inside.
      UniqueFd node(open_dir(parent, names[last]));
      const std::string own(kOwnValueName);
      if (node && ::renameat(parent, temp.c_str(), node.get(), own.c_str()) == 0) {
        sync.add(path_of(names, names.size()), node.get());
        return true;
      }
      err = errno;
      if (err == ENOTDIR) err = ENOENT;  // it became a file meanwhile: look again
    }
    ::unlinkat(parent, temp.c_str(), 0);
    if (err != ENOENT) throw_posix("renaming the new value over", path_of(names, names.size()), err);
  }
  throw_changing(path_of(names, names.size()));
}

void Tree::remove(const std::vector<std::string>& names, DirSync& sync) const {
  std::vector<UniqueFd> dirs;
  const std::size_t last = names.size() - 1;
  if (open_dirs(names, last, false, false, dirs, sync) != Walk::opened) return;
  const int parent = last == 0 ? root_fd_.get() : dirs.back().get();
  if (::unlinkat(parent, names[last].c_str(), 0) != 0) {
    if (errno == ENOENT) return;
    if (errno != EISDIR) throw_posix("removing", path_of(names, names.size()), errno);
    // The key's name is also a directory: its value is the "%=" inside.
    UniqueFd node(open_dir(parent, names[last]));
    if (!node) {
      if (errno == ENOENT || errno == ENOTDIR) return;
      throw_posix("opening the directory", path_of(names, names.size()), errno);
    }
    if (::unlinkat(node.get(), std::string(kOwnValueName).c_str(), 0) != 0) {
      if (errno == ENOENT) return;
      throw_posix("removing", path_of(names, names.size()) + "/" + std::string(kOwnValueName), errno);
    }
    sync.add(path_of(names, names.size()), node.get());
    if (::unlinkat(parent, names[last].c_str(), AT_REMOVEDIR) != 0) return;  // other keys under it
  }
  if (sync.enabled()) sync.add(path_of(names, last), parent);
  // The directories the key leaves empty go too, innermost first; the
  // first that still holds anything ends it.
  for (std::size_t i = last; i-- > 0;) {
    const int up = i == 0 ? root_fd_.get() : dirs[i - 1].get();
    if (::unlinkat(up, names[i].c_str(), AT_REMOVEDIR) != 0) break;
    sync.add(path_of(names, i), up);
  }
}

void Tree::remove_if_abandoned(int dir, const std::string& name) const {
  if (!is_abandoned_temp(name)) return;
  if (::unlinkat(dir, name.c_str(), 0) == 0 || errno != EISDIR) return;
  // A directory a killed conversion left: its "%=" is a second link to a
  // value that is still in place.
  if (UniqueFd child(open_dir(dir, name)); child)
    ::unlinkat(child.get(), std::string(kOwnValueName).c_str(), 0);
  ::unlinkat(dir, name.c_str(), AT_REMOVEDIR);
}

void Tree::tidy() const {
  tidy_dir(root_fd_.get(), root_);
}

void Tree::tidy_dir(int dir, const std::string& path) const {
  // Entries first (removing while reading may skip entries), then the work.
  std::vector<std::pair<std::string, unsigned char>> entries;
  {
    const int copy = ::openat(dir, ".", kDirFlags);
    DIR* stream = copy < 0 ? nullptr : ::fdopendir(copy);
    if (!stream) {
      if (copy >= 0) ::close(copy);
      throw_posix("listing", path, errno);
    }
    while (const dirent* entry = ::readdir(stream)) {
      const std::string_view name = entry->d_name;
      if (name == "." || name == "..") continue;
      entries.emplace_back(name, entry->d_type);
    }
    ::closedir(stream);
  }
  for (auto& [name, type] : entries) {
    if (is_temp_name(name)) {
      remove_if_abandoned(dir, name);
      continue;
    }
    if (type == DT_UNKNOWN) {
      const mode_t mode = type_of(dir, name);
      type = S_ISDIR(mode) ? DT_DIR : DT_REG;
    }
    if (type != DT_DIR) continue;
    UniqueFd child(open_dir(dir, name));
    if (!child) continue;
    const std::string child_path = path + "/" + name;
    tidy_dir(child.get(), child_path);
    if (::unlinkat(dir, name.c_str(), AT_REMOVEDIR) == 0) continue;  // it was left empty
    // A directory holding only its own key's value becomes that key's file
    // again (LangChain can read it there), exchanged in one rename.
    if (name.starts_with("%+") || type_of(child.get(), std::string(kOwnValueName)) != S_IFREG) continue;
    std::size_t entries_left = 0;
    if (const int copy = ::openat(child.get(), ".", kDirFlags); copy >= 0) {
      if (DIR* stream = ::fdopendir(copy)) {
        while (const dirent* entry = ::readdir(stream))
          if (std::string_view(entry->d_name) != "." && std::string_view(entry->d_name) != "..") ++entries_left;
        ::closedir(stream);
      } else {
        ::close(copy);
      }
    }
    if (entries_left != 1) continue;
    const std::string temp = make_temp_name();
    const std::string own(kOwnValueName);
    if (::linkat(child.get(), own.c_str(), dir, temp.c_str(), 0) != 0) continue;
    if (::renameat2(dir, temp.c_str(), dir, name.c_str(), RENAME_EXCHANGE) != 0) {
      ::unlinkat(dir, temp.c_str(), 0);
      continue;
    }
    // `temp` is the directory now.
    ::unlinkat(child.get(), own.c_str(), 0);
    ::unlinkat(dir, temp.c_str(), AT_REMOVEDIR);
  }
  if (settings_.sync) ::fsync(dir);
}

}  // namespace bytestore::files
