// An open LMDB environment and the one database the store keeps in it.
//
// Thread-safe. Every transaction runs inside read() or write(), which keep
// the memory map stable while it is open: growing or adopting a new map
// size (mdb_env_set_mapsize) waits until no transaction of this process is
// open, and transactions wait while it happens.
//
// LMDB forbids opening one environment twice in a process (closing either
// handle would drop the other's file locks), so stores naming the same path
// share one Environment.
#pragma once

#include <lmdb.h>

#include <sys/types.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

#include "lmdb_error.h"
#include "lmdb_options.h"
#include "transaction.h"

namespace bytestore::lmdb {

class Environment {
 public:
  // The environment at options.path, opened (and created unless read-only)
  // or shared with the stores of this process already using it. Its
  // map_size, max_readers and sync are those of the first open.
  static std::shared_ptr<Environment> open(const LmdbOptions& options);

  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  ~Environment();

  // Rewrites the data file without the pages deletes freed (LMDB's
  // compacting copy, swapped in by rename) while no transaction of this
  // process runs. Refused while another process has the environment open.
  void compact();

  const std::string& path() const { return path_; }
  bool read_only() const { return read_only_; }
  std::size_t max_key_bytes() const { return max_key_bytes_; }

  // Runs `body(MDB_txn*, MDB_dbi) -> int` in a read transaction that ends
  // when it returns. A non-zero MDB code from body is thrown as an Error.
  template <class Body>
  void read(Body&& body);

  // Runs `body(MDB_txn*, MDB_dbi) -> int` in a write transaction and
  // commits it. When the map is full the transaction is rolled back, the
  // map grown by at least `batch_bytes`, and body runs again from scratch;
  // so body must depend on nothing but its arguments and its captures.
  template <class Body>
  void write(std::size_t batch_bytes, Body&& body);

 private:
  Environment(const LmdbOptions& options, std::string path);
  // Opens env_ on path_ with options_, and the main database.
  void open_handle();
  std::string data_file() const;
  std::string lock_file() const;
  // The pid of another process with the environment open, or 0.
  pid_t other_process();

  std::shared_lock<std::shared_mutex> hold_map();
  int begin(Transaction& txn, unsigned flags);

  // Grows the map past `full_size` (the size that was found full), unless
  // another thread already did.
  void grow_map(std::size_t full_size, std::size_t batch_bytes);
  // Takes the larger map size another process recorded.
  void adopt_map_size();
  template <class Change>
  void remap(Change&& change);
  [[noreturn]] void fail(int rc, std::string_view action) const {
    throw_lmdb_error(rc, action, path_);
  }

  LmdbOptions options_;  // of the first open: every store sharing it agrees
  MDB_env* env_ = nullptr;
  MDB_dbi dbi_ = 0;
  // Kept open to ask for other processes' locks on the lock file: closing
  // any descriptor of it would drop this process's LMDB locks.
  int lock_probe_fd_ = -1;
  std::string path_;
  bool read_only_;
  std::size_t max_key_bytes_ = 0;
  pid_t owner_pid_;

  // Held shared by every open transaction, exclusively to remap.
  std::shared_mutex map_lock_;
  // A remap queues here and raises the flag, so a steady stream of new
  // transactions cannot starve it: they wait their turn behind it.
  std::mutex remap_queue_;
  std::atomic<bool> remap_pending_{false};
  std::size_t map_size_ = 0;  // changes only under map_lock_ held exclusively
};

template <class Body>
void Environment::read(Body&& body) {
  for (;;) {
    {
      const auto held = hold_map();
      Transaction txn;
      int rc = begin(txn, MDB_RDONLY);
      if (rc == MDB_SUCCESS) {
        rc = body(txn.get(), dbi_);
        if (rc != MDB_SUCCESS) fail(rc, "cannot read from");
        return;
      }
      if (rc != MDB_MAP_RESIZED) fail(rc, "cannot begin a read transaction in");
    }
    adopt_map_size();
  }
}

template <class Body>
void Environment::write(std::size_t batch_bytes, Body&& body) {
  for (;;) {
    std::size_t map_size = 0;
    int rc = MDB_SUCCESS;
    {
      const auto held = hold_map();
      map_size = map_size_;
      Transaction txn;
      rc = begin(txn, 0);
      if (rc == MDB_SUCCESS) rc = body(txn.get(), dbi_);
      if (rc == MDB_SUCCESS) rc = txn.commit();
      if (rc == MDB_SUCCESS) return;
    }
    if (rc == MDB_MAP_FULL) {
      grow_map(map_size, batch_bytes);
    } else if (rc == MDB_MAP_RESIZED) {
      adopt_map_size();
    } else {
      fail(rc, "cannot write to");
    }
  }
}

}  // namespace bytestore::lmdb
