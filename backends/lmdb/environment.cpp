#include "environment.h"

#include <bytestore/error.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <algorithm>
#include <filesystem>
#include <map>
#include <system_error>

namespace bytestore::lmdb {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kGrowthQuantum = std::size_t{1} << 20;

unsigned sync_flags(SyncMode mode) {
  switch (mode) {
    case SyncMode::full: return 0;
    case SyncMode::nometasync: return MDB_NOMETASYNC;
    case SyncMode::nosync: return MDB_NOSYNC;
  }
  return 0;
}

// Creates what must exist before LMDB opens `path`: the directory itself,
// or the directory the data file goes in.
void make_room_for(const LmdbOptions& options) {
  const fs::path path(options.path);
  const fs::path dir = options.subdir ? path : path.parent_path();
  std::error_code ec;
  if (options.subdir && fs::exists(path, ec) && !fs::is_directory(path, ec))
    throw Error(Errc::config, "path " + options.path +
                                  " is a file, not a directory; set subdir: false to use it as "
                                  "the data file");
  if (options.read_only || dir.empty()) return;
  fs::create_directories(dir, ec);
  if (ec) throw Error(Errc::io, "cannot create directory " + dir.string() + ": " + ec.message());
}

// The environments this process has open, by canonical path. The mutex is
// held across opening and closing too, so two handles of one file never
// coexist.
struct OpenEnvironment {
  Environment* environment;
  std::size_t users;
  pid_t pid;
};
std::mutex g_open_mutex;
std::map<std::string, OpenEnvironment>& open_environments() {
  static auto* environments = new std::map<std::string, OpenEnvironment>;
  return *environments;
}

std::string sync_name(SyncMode mode) {
  switch (mode) {
    case SyncMode::full: return "full";
    case SyncMode::nometasync: return "nometasync";
    case SyncMode::nosync: return "nosync";
  }
  return "?";
}

// "sync: full here, nosync asked; ..." for the settings one LMDB handle
// cannot have two of; empty when they agree.
std::string differing_settings(const LmdbOptions& open, const LmdbOptions& asked) {
  std::string out;
  auto add = [&](const std::string& name, const std::string& have, const std::string& want) {
    if (have == want) return;
    out += (out.empty() ? "" : "; ") + name + ": " + have + " open, " + want + " asked";
  };
  add("sync", sync_name(open.sync), sync_name(asked.sync));
  add("map_size", std::to_string(open.map_size.bytes) + "B", std::to_string(asked.map_size.bytes) + "B");
  add("max_readers", std::to_string(open.max_readers), std::to_string(asked.max_readers));
  add("read_only", open.read_only ? "true" : "false", asked.read_only ? "true" : "false");
  return out;
}

}  // namespace

std::shared_ptr<Environment> Environment::open(const LmdbOptions& options) {
  make_room_for(options);  // options were checked by LmdbBackend::check_options
  std::error_code ec;
  std::string key = fs::weakly_canonical(fs::absolute(options.path), ec).string();
  if (ec) key = fs::absolute(options.path).lexically_normal().string();

  std::lock_guard lock(g_open_mutex);
  auto& environments = open_environments();
  auto release = [key](Environment* environment) {
    std::lock_guard lock(g_open_mutex);
    auto it = open_environments().find(key);
    if (it != open_environments().end() && it->second.environment == environment) {
      if (--it->second.users > 0) return;
      open_environments().erase(it);
    }
    delete environment;
  };
  // An entry inherited across fork() belongs to the parent: LMDB handles
  // must not be used in a child, so the child opens its own.
  if (auto it = environments.find(key); it != environments.end() && it->second.pid == getpid()) {
    Environment* shared = it->second.environment;
    if (const std::string clash = differing_settings(shared->options_, options); !clash.empty())
      throw Error(Errc::config, "environment " + key + " is already open in this process by another "
                                    "store with other settings (" + clash +
                                    "); stores sharing an environment must agree on sync, "
                                    "map_size, max_readers and read_only");
    ++it->second.users;
    return std::shared_ptr<Environment>(shared, release);
  }
  auto* environment = new Environment(options, key);
  environments[key] = OpenEnvironment{environment, 1, getpid()};
  return std::shared_ptr<Environment>(environment, release);
}

Environment::Environment(const LmdbOptions& options, std::string path)
    : options_(options), path_(std::move(path)), read_only_(options.read_only), owner_pid_(getpid()) {
  open_handle();
}

void Environment::open_handle() {
  const LmdbOptions& options = options_;
  int rc = mdb_env_create(&env_);
  if (rc != MDB_SUCCESS) fail(rc, "cannot create a handle for");
  // From here on a failure must close the handle.
  struct CloseOnFailure {
    MDB_env*& env;
    bool armed = true;
    ~CloseOnFailure() {
      if (armed) mdb_env_close(std::exchange(env, nullptr));
    }
  } guard{env_};

  if ((rc = mdb_env_set_maxreaders(env_, options.max_readers)) != MDB_SUCCESS)
    fail(rc, "cannot set max_readers of");
  if ((rc = mdb_env_set_mapsize(env_, options.map_size.bytes)) != MDB_SUCCESS)
    fail(rc, "cannot set map_size of");
  // MDB_NOTLS: read transactions belong to no thread, so any thread may run
  // them and a thread may run several.
  unsigned flags = MDB_NOTLS | sync_flags(options.sync);
  if (!options.subdir) flags |= MDB_NOSUBDIR;
  if (options.read_only) flags |= MDB_RDONLY;
  if ((rc = mdb_env_open(env_, options.path.c_str(), flags, 0644)) != MDB_SUCCESS)
    fail(rc, "cannot open environment");

  // Reader slots of processes that died (say, killed mid-read) would pin
  // old pages and fill the table; clear them now.
  int dead = 0;
  mdb_reader_check(env_, &dead);

  MDB_envinfo info;
  mdb_env_info(env_, &info);
  map_size_ = info.me_mapsize;
  max_key_bytes_ = static_cast<std::size_t>(mdb_env_get_maxkeysize(env_));

  for (;;) {
    Transaction txn;
    rc = begin(txn, read_only_ ? MDB_RDONLY : 0);
    if (rc == MDB_MAP_RESIZED) {
      if ((rc = mdb_env_set_mapsize(env_, 0)) != MDB_SUCCESS) fail(rc, "cannot adopt the map size of");
      continue;
    }
    if (rc != MDB_SUCCESS) fail(rc, "cannot begin a transaction in");
    if ((rc = mdb_dbi_open(txn.get(), nullptr, 0, &dbi_)) != MDB_SUCCESS)
      fail(rc, "cannot open the main database of");
    if ((rc = txn.commit()) != MDB_SUCCESS) fail(rc, "cannot open the main database of");
    break;
  }
  mdb_env_info(env_, &info);
  map_size_ = info.me_mapsize;
  guard.armed = false;
}

Environment::~Environment() {
  // A forked child leaves its parent's handle alone.
  if (owner_pid_ != getpid()) return;
  if (env_) mdb_env_close(env_);
  if (lock_probe_fd_ >= 0) close(lock_probe_fd_);  // after LMDB let go of its locks
}

std::string Environment::data_file() const {
  return options_.subdir ? (fs::path(path_) / "data.mdb").string() : path_;
}

std::string Environment::lock_file() const {
  return options_.subdir ? (fs::path(path_) / "lock.mdb").string() : path_ + "-lock";
}

pid_t Environment::other_process() {
  if (lock_probe_fd_ < 0) lock_probe_fd_ = ::open(lock_file().c_str(), O_RDONLY | O_CLOEXEC);
  if (lock_probe_fd_ < 0) return 0;
  // Every process with the environment open holds a lock on the lock
  // file's first byte; the locks of this process never conflict with it.
  struct flock probe {};
  probe.l_type = F_WRLCK;
  probe.l_whence = SEEK_SET;
  probe.l_start = 0;
  probe.l_len = 1;
  if (fcntl(lock_probe_fd_, F_GETLK, &probe) != 0) return 0;
  return probe.l_type == F_UNLCK ? 0 : probe.l_pid;
}

void Environment::compact() {
  if (read_only_)
    throw Error(Errc::invalid_argument, "compact refused: " + path_ + " was opened with read_only: true");
  const std::lock_guard queue(remap_queue_);
  remap_pending_.store(true, std::memory_order_release);
  struct Done {
    std::atomic<bool>& pending;
    ~Done() { pending.store(false, std::memory_order_release); }
  } done{remap_pending_};
  const std::unique_lock exclusive(map_lock_);  // no transaction of this process is open
  if (const pid_t other = other_process())
    throw Error(Errc::unavailable, "cannot compact " + path_ + " while another process (pid " +
                                       std::to_string(other) + ") has it open");
  const std::string data = data_file();
  const std::string copy = data + ".compacting";
  const int fd = ::open(copy.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(Errc::io, "cannot create " + copy + ": " + std::strerror(errno));
  int rc = mdb_env_copyfd2(env_, fd, MDB_CP_COMPACT);
  if (rc == MDB_SUCCESS && fsync(fd) != 0) rc = errno;
  close(fd);
  if (rc != MDB_SUCCESS) {
    unlink(copy.c_str());
    fail(rc, "cannot write a compacted copy of");
  }
  // The copy is whole on disk; the rename swaps it in at once, so a crash
  // leaves either file, never a mix.
  mdb_env_close(std::exchange(env_, nullptr));
  if (std::rename(copy.c_str(), data.c_str()) != 0) {
    const int error = errno;
    unlink(copy.c_str());
    open_handle();
    throw Error(Errc::io, "cannot replace " + data + " by its compacted copy: " + std::strerror(error));
  }
  if (const int dir = ::open(fs::path(data).parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
      dir >= 0) {
    fsync(dir);
    close(dir);
  }
  open_handle();
}

std::shared_lock<std::shared_mutex> Environment::hold_map() {
  if (remap_pending_.load(std::memory_order_acquire)) {
    const std::lock_guard wait_for_remap(remap_queue_);
  }
  return std::shared_lock(map_lock_);
}

int Environment::begin(Transaction& txn, unsigned flags) {
  if (!env_) return EIO;  // a compaction could not reopen the environment
  int rc = txn.begin(env_, flags);
  if (rc == MDB_READERS_FULL) {
    // Slots of dead processes may be what fills the table.
    int dead = 0;
    if (mdb_reader_check(env_, &dead) == MDB_SUCCESS && dead > 0) rc = txn.begin(env_, flags);
  }
  return rc;
}

template <class Change>
void Environment::remap(Change&& change) {
  const std::lock_guard queue(remap_queue_);
  remap_pending_.store(true, std::memory_order_release);
  int rc = MDB_SUCCESS;
  {
    const std::unique_lock exclusive(map_lock_);
    rc = change();
    MDB_envinfo info;
    mdb_env_info(env_, &info);
    map_size_ = info.me_mapsize;
  }
  remap_pending_.store(false, std::memory_order_release);
  if (rc != MDB_SUCCESS) fail(rc, "cannot resize the memory map of");
}

void Environment::grow_map(std::size_t full_size, std::size_t batch_bytes) {
  remap([&] {
    if (map_size_ > full_size) return MDB_SUCCESS;  // grown meanwhile
    // Doubling keeps regrowth rare; the batch term makes one regrowth
    // enough for a batch far larger than the map. Copy-on-write may need
    // the batch's pages twice before the old ones are free.
    std::size_t target = std::max(full_size * 2, full_size + 2 * batch_bytes + kGrowthQuantum);
    target = (target + kGrowthQuantum - 1) / kGrowthQuantum * kGrowthQuantum;
    return mdb_env_set_mapsize(env_, target);
  });
}

void Environment::adopt_map_size() {
  remap([&] {
    const std::size_t ours = map_size_;
    int rc = mdb_env_set_mapsize(env_, 0);  // 0: the size recorded in the environment
    if (rc != MDB_SUCCESS) return rc;
    MDB_envinfo info;
    mdb_env_info(env_, &info);
    // Never give back room this process grew and has not committed yet.
    return info.me_mapsize < ours ? mdb_env_set_mapsize(env_, ours) : MDB_SUCCESS;
  });
}

}  // namespace bytestore::lmdb
