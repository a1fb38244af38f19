// The lmdb backend against LMDB's C API written by hand: one environment
// with the plugin's flags (MDB_NOTLS, and MDB_NOSYNC on both sides, see
// kSync), one transaction per batch, one cursor per listing.
#include <bytestore/bytestore.hpp>

#include <lmdb.h>

#include <stdexcept>

#include "engine.h"
#include "suite.h"

namespace bytestore::bench {
namespace {

// Both sides skip fsync: with it, every commit waits for the disk (about
// 6 ms here) and the ratio would say nothing about the library.
constexpr const char* kSync = "nosync";
constexpr std::size_t kMapBytes = std::size_t{4} << 30;

void ok(int rc, const char* what) {
  if (rc != MDB_SUCCESS)
    throw std::runtime_error(std::string("lmdb ") + what + ": " + mdb_strerror(rc));
}

MDB_val val_of(std::string_view bytes) { return {bytes.size(), const_cast<char*>(bytes.data())}; }

class RawLmdb {
 public:
  explicit RawLmdb(const std::filesystem::path& dir) {
    std::filesystem::create_directories(dir);
    ok(mdb_env_create(&env_), "env_create");
    ok(mdb_env_set_mapsize(env_, kMapBytes), "set_mapsize");
    ok(mdb_env_open(env_, dir.c_str(), MDB_NOTLS | MDB_NOSYNC, 0644), "env_open");
    MDB_txn* txn = nullptr;
    ok(mdb_txn_begin(env_, nullptr, 0, &txn), "txn_begin");
    ok(mdb_dbi_open(txn, nullptr, 0, &dbi_), "dbi_open");
    ok(mdb_txn_commit(txn), "commit");
  }
  ~RawLmdb() { mdb_env_close(env_); }
  RawLmdb(const RawLmdb&) = delete;
  RawLmdb& operator=(const RawLmdb&) = delete;

  Values mget(int, std::span<const std::string> keys) {
    Values values(keys.size());
    MDB_txn* txn = nullptr;
    ok(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn), "txn_begin");
    for (std::size_t i = 0; i < keys.size(); ++i) {
      MDB_val key = val_of(keys[i]);
      MDB_val value;
      const int rc = mdb_get(txn, dbi_, &key, &value);
      if (rc == MDB_SUCCESS) {
        values[i].emplace(static_cast<const char*>(value.mv_data), value.mv_size);
      } else if (rc != MDB_NOTFOUND) {
        mdb_txn_abort(txn);
        ok(rc, "get");
      }
    }
    mdb_txn_abort(txn);
    return values;
  }

  void mset(int, std::span<const KeyValue> pairs) {
    MDB_txn* txn = nullptr;
    ok(mdb_txn_begin(env_, nullptr, 0, &txn), "txn_begin");
    for (const auto& [key_bytes, value_bytes] : pairs) {
      MDB_val key = val_of(key_bytes);
      MDB_val value = val_of(value_bytes);
      if (const int rc = mdb_put(txn, dbi_, &key, &value, 0); rc != MDB_SUCCESS) {
        mdb_txn_abort(txn);
        ok(rc, "put");
      }
    }
    ok(mdb_txn_commit(txn), "commit");
  }

  std::size_t count_keys(int, std::string_view prefix) {
    MDB_txn* txn = nullptr;
    ok(mdb_txn_begin(env_, nullptr, MDB_RDONLY, &txn), "txn_begin");
    MDB_cursor* cursor = nullptr;
    ok(mdb_cursor_open(txn, dbi_, &cursor), "cursor_open");
    std::size_t count = 0;
    std::string key;
    MDB_val k = val_of(prefix);
    MDB_val v;
    for (int rc = mdb_cursor_get(cursor, &k, &v, MDB_SET_RANGE); rc == MDB_SUCCESS;
         rc = mdb_cursor_get(cursor, &k, &v, MDB_NEXT)) {
      key.assign(static_cast<const char*>(k.mv_data), k.mv_size);
      if (!key.starts_with(prefix)) break;
      ++count;
    }
    mdb_cursor_close(cursor);
    mdb_txn_abort(txn);
    return count;
  }

 private:
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
};

const bool registered = [] {
  static SharedEngine<ByteStoreEngine> full([] {
    const std::string yaml = "default: bench\nstores:\n  bench: { backend: lmdb, path: '" +
                             (scratch_directory() / "bytestore-lmdb").string() +
                             "', map_size: 4GiB, sync: " + kSync + " }\n";
    return std::make_unique<ByteStoreEngine>(open_yaml(yaml));
  });
  static SharedEngine<RawLmdb> raw(
      [] { return std::make_unique<RawLmdb>(scratch_directory() / "raw-lmdb"); });
  register_suite("Lmdb", full, raw);
  return true;
}();

}  // namespace
}  // namespace bytestore::bench
