#include "prefix_cursor.h"

#include "transaction.h"

namespace bytestore::lmdb {

bool PrefixCursor::next(const sdk::KeySink& sink) {
  if (done_) return false;
  bool more = false;
  environment_->read([&](MDB_txn* txn, MDB_dbi dbi) {
    TxnCursor cursor;
    if (int rc = cursor.open(txn, dbi); rc != MDB_SUCCESS) return rc;
    // Position on the first key >= prefix, or >= the last key sent (which
    // may since have been deleted) and then past it.
    MDB_val key = to_val(started_ ? last_key_ : prefix_);
    MDB_val value;
    int rc = key.mv_size == 0 ? mdb_cursor_get(cursor.get(), &key, &value, MDB_FIRST)
                              : mdb_cursor_get(cursor.get(), &key, &value, MDB_SET_RANGE);
    if (rc == MDB_SUCCESS && started_ && to_view(key) == last_key_)
      rc = mdb_cursor_get(cursor.get(), &key, &value, MDB_NEXT);
    for (std::size_t sent = 0; rc == MDB_SUCCESS; ++sent) {
      const std::string_view found = to_view(key);
      if (!found.starts_with(prefix_)) break;
      // One key past a full page tells whether another page follows.
      if (sent == page_size_) {
        more = true;
        break;
      }
      sink(found);
      last_key_.assign(found);
      started_ = true;
      rc = mdb_cursor_get(cursor.get(), &key, &value, MDB_NEXT);
    }
    return rc == MDB_NOTFOUND ? MDB_SUCCESS : rc;
  });
  done_ = !more;
  return more;
}

}  // namespace bytestore::lmdb
