// Owning handles for LMDB transactions and cursors: whatever leaves a scope
// early aborts the transaction and closes the cursor.
#pragma once

#include <lmdb.h>

#include <string_view>
#include <utility>

namespace bytestore::lmdb {

class Transaction {
 public:
  Transaction() = default;
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction() { abort(); }

  // Begins a transaction on `env`; returns an MDB_* code.
  int begin(MDB_env* env, unsigned flags) {
    abort();
    return mdb_txn_begin(env, nullptr, flags, &txn_);
  }

  // Commits; the transaction is over whatever the outcome.
  int commit() { return mdb_txn_commit(std::exchange(txn_, nullptr)); }

  void abort() {
    if (txn_) mdb_txn_abort(std::exchange(txn_, nullptr));
  }

  MDB_txn* get() const { return txn_; }

 private:
  MDB_txn* txn_ = nullptr;
};

// A cursor; in a read transaction it must close before the transaction ends.
class TxnCursor {
 public:
  TxnCursor() = default;
  TxnCursor(const TxnCursor&) = delete;
  TxnCursor& operator=(const TxnCursor&) = delete;
  ~TxnCursor() {
    if (cursor_) mdb_cursor_close(cursor_);
  }

  int open(MDB_txn* txn, MDB_dbi dbi) { return mdb_cursor_open(txn, dbi, &cursor_); }
  MDB_cursor* get() const { return cursor_; }

 private:
  MDB_cursor* cursor_ = nullptr;
};

// LMDB's view of bytes it only reads (mdb_put and mdb_get take non-const).
inline MDB_val to_val(std::string_view bytes) {
  return MDB_val{bytes.size(), const_cast<char*>(bytes.data())};
}

inline std::string_view to_view(const MDB_val& val) {
  return {static_cast<const char*>(val.mv_data), val.mv_size};
}

}  // namespace bytestore::lmdb
