#include "key_cursor.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bytestore/text.hpp>

#include <cerrno>

#include "key_path.h"
#include "posix_error.h"
#include "temp_name.h"

namespace bytestore::files {
namespace {

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;

unsigned char type_of(int dir, const char* name) {
  struct stat st;
  if (::fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return DT_UNKNOWN;
  if (S_ISDIR(st.st_mode)) return DT_DIR;
  if (S_ISREG(st.st_mode)) return DT_REG;
  if (S_ISLNK(st.st_mode)) return DT_LNK;
  return DT_UNKNOWN;
}

}  // namespace

KeyCursor::KeyCursor(std::shared_ptr<const Tree> tree, std::string prefix, std::uint64_t page_size)
    : tree_(std::move(tree)), prefix_(std::move(prefix)), page_size_(page_size) {
  // The whole segments of the prefix name one directory exactly (each
  // segment has one encoding): start there, not at the root.
  const std::size_t slash = prefix_.rfind('/');
  std::string keys;
  UniqueFd dir(::openat(tree_->root_fd(), ".", kDirFlags));
  if (!dir) throw_posix("listing", tree_->root(), errno);
  if (slash != std::string::npos) {
    keys = prefix_.substr(0, slash + 1);
    names_ = names_of(prefix_.substr(0, slash));
    for (std::size_t i = 0; i < names_.size(); ++i) {
      dir.reset(::openat(dir.get(), names_[i].c_str(), kDirFlags));
      if (dir) continue;
      if (errno == ENOENT || errno == ENOTDIR) return;  // nothing under the prefix
      throw_posix("listing", tree_->path_of(names_, i + 1), errno);
    }
  }
  DIR* stream = ::fdopendir(dir.get());
  if (!stream) throw_posix("listing", tree_->path_of(names_, names_.size()), errno);
  (void)dir.release();
  levels_.push_back({stream, std::move(keys), {}});
}

KeyCursor::~KeyCursor() {
  for (Level& level : levels_) ::closedir(level.stream);
}

bool KeyCursor::next(const sdk::KeySink& sink) {
  std::uint64_t sent = 0;
  auto send = [&](const std::string& key) {
    sink(key);
    ++sent;
  };
  while (!levels_.empty()) {
    if (sent == page_size_) return true;
    Level& level = levels_.back();
    errno = 0;
    const dirent* entry = ::readdir(level.stream);
    if (!entry) {
      if (errno != 0) throw_posix("listing", path_with({}), errno);
      pop();
      continue;
    }
    const std::string name = entry->d_name;
    if (name == "." || name == "..") continue;
    const int dir = ::dirfd(level.stream);
    if (is_temp_name(name)) {
      tree_->remove_if_abandoned(dir, name);
      continue;
    }
    if (name == kOwnValueName) {
      if (!level.own_key.empty() && level.own_key.starts_with(prefix_) && canonical(level.own_key, {}))
        send(level.own_key);
      continue;
    }
    const auto fragment = decode_name(name);
    if (!fragment) continue;  // not a name any key has
    const unsigned char type = entry->d_type == DT_UNKNOWN ? type_of(dir, name.c_str()) : entry->d_type;
    std::string keys = level.keys + fragment->bytes;
    if (type == DT_REG) {
      if (!fragment->continues && keys.starts_with(prefix_) && canonical(keys, name)) send(keys);
    } else if (type == DT_DIR) {
      std::string own = fragment->continues ? std::string() : keys;
      if (!fragment->continues) keys += '/';
      if (reachable(keys, own)) push(dir, name, std::move(keys), std::move(own));
    } else if (type == DT_LNK && reachable(keys, keys)) {
      throw_posix("listing", path_with(name), ELOOP);
    }
  }
  return false;
}

bool KeyCursor::push(int parent, const std::string& name, std::string keys, std::string own_key) {
  UniqueFd fd(::openat(parent, name.c_str(), kDirFlags));
  if (!fd) {
    if (errno == ENOENT || errno == ENOTDIR) return false;  // gone meanwhile
    throw_posix("listing", path_with(name), errno);
  }
  DIR* stream = ::fdopendir(fd.get());
  if (!stream) throw_posix("listing", path_with(name), errno);
  (void)fd.release();
  levels_.push_back({stream, std::move(keys), std::move(own_key)});
  names_.push_back(name);
  return true;
}

void KeyCursor::pop() {
  ::closedir(levels_.back().stream);
  levels_.pop_back();
  if (!levels_.empty()) names_.pop_back();
}

bool KeyCursor::reachable(const std::string& keys, const std::string& own_key) const {
  auto can_match = [&](const std::string& start) {
    return start.starts_with(prefix_) || prefix_.starts_with(start);
  };
  return can_match(keys) || (!own_key.empty() && can_match(own_key));
}

bool KeyCursor::canonical(const std::string& key, const std::string& last) const {
  if (key.empty() || !is_valid_utf8(key)) return false;  // a foreign name: no store has such a key
  const std::vector<std::string> expected = names_of(key);
  const std::size_t count = names_.size() + (last.empty() ? 0 : 1);
  if (expected.size() != count) return false;
  for (std::size_t i = 0; i < names_.size(); ++i)
    if (expected[i] != names_[i]) return false;
  return last.empty() || expected.back() == last;
}

std::string KeyCursor::path_with(const std::string& last) const {
  std::string path = tree_->path_of(names_, names_.size());
  if (!last.empty()) (path += '/') += last;
  return path;
}

}  // namespace bytestore::files
