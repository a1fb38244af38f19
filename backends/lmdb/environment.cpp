#include "environment.h"

#include <bytestore/error.hpp>

#include <unistd.h>

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
    if (shared->read_only() && !options.read_only)
      throw Error(Errc::config, "environment " + key +
                                    " is already open read-only in this process; it cannot also "
                                    "be opened for writing until those stores close");
    ++it->second.users;
    return std::shared_ptr<Environment>(shared, release);
  }
  auto* environment = new Environment(options, key);
  environments[key] = OpenEnvironment{environment, 1, getpid()};
  return std::shared_ptr<Environment>(environment, release);
}

Environment::Environment(const LmdbOptions& options, std::string path)
    : path_(std::move(path)), read_only_(options.read_only), owner_pid_(getpid()) {
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
  if (env_ && owner_pid_ == getpid()) mdb_env_close(env_);
}

std::shared_lock<std::shared_mutex> Environment::hold_map() {
  if (remap_pending_.load(std::memory_order_acquire)) {
    const std::lock_guard wait_for_remap(remap_queue_);
  }
  return std::shared_lock(map_lock_);
}

int Environment::begin(Transaction& txn, unsigned flags) {
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
