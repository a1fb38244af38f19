// The sqlite backend against SQLite's C API written by hand: the same
// table and statements (BLOB primary key, WITHOUT ROWID, an upsert; a
// REPLACE deletes and reinserts, measurably slower), WAL with synchronous =
// NORMAL on both sides, one connection per benchmark thread with its
// statements prepared once, one transaction per batch, and writers taking
// turns on a mutex rather than on SQLite's sleeping busy handler.
#include <bytestore/bytestore.hpp>

#include <sqlite3.h>

#include <array>
#include <mutex>
#include <stdexcept>

#include "engine.h"
#include "suite.h"

namespace bytestore::bench {
namespace {

// One benchmark thread's connection and its prepared statements.
class Lane {
 public:
  Lane() = default;
  Lane(const Lane&) = delete;
  Lane& operator=(const Lane&) = delete;
  ~Lane() {
    for (sqlite3_stmt* s : {get, put, list, begin_read, begin_write, commit}) sqlite3_finalize(s);
    sqlite3_close(db);
  }

  void open(const std::string& path) {
    const int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
    if (sqlite3_open_v2(path.c_str(), &db, flags, nullptr) != SQLITE_OK)
      fail("open");
    sqlite3_busy_timeout(db, 5000);
    run("PRAGMA journal_mode = WAL");
    run("PRAGMA synchronous = NORMAL");
    run("CREATE TABLE IF NOT EXISTS kv (key BLOB NOT NULL PRIMARY KEY, value BLOB NOT NULL) "
        "WITHOUT ROWID");
    get = prepare("SELECT value FROM kv WHERE key = ?1");
    put = prepare(
        "INSERT INTO kv (key, value) VALUES (?1, ?2) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value");
    list = prepare("SELECT key FROM kv WHERE key >= ?1 AND key < ?2 ORDER BY key");
    begin_read = prepare("BEGIN");
    begin_write = prepare("BEGIN IMMEDIATE");
    commit = prepare("COMMIT");
  }

  // Steps `s` to its next row (true) or its end (false).
  bool step(sqlite3_stmt* s) {
    const int rc = sqlite3_step(s);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    sqlite3_reset(s);
    fail("step");
  }

  // Runs a statement that returns no rows (BEGIN, COMMIT).
  void once(sqlite3_stmt* s) {
    step(s);
    sqlite3_reset(s);
  }

  void bind(sqlite3_stmt* s, int index, std::string_view bytes) {
    if (sqlite3_bind_blob64(s, index, bytes.data(), bytes.size(), SQLITE_STATIC) != SQLITE_OK)
      fail("bind");
  }

  sqlite3* db = nullptr;
  sqlite3_stmt* get = nullptr;
  sqlite3_stmt* put = nullptr;
  sqlite3_stmt* list = nullptr;
  sqlite3_stmt* begin_read = nullptr;
  sqlite3_stmt* begin_write = nullptr;
  sqlite3_stmt* commit = nullptr;

 private:
  sqlite3_stmt* prepare(const char* sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) != SQLITE_OK)
      fail("prepare");
    return s;
  }
  void run(const char* sql) {
    if (sqlite3_exec(db, sql, nullptr, nullptr, nullptr) != SQLITE_OK) fail(sql);
  }
  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error(std::string("sqlite ") + what + ": " + sqlite3_errmsg(db));
  }
};

// The bytes just past every key starting with `prefix`.
std::string end_of_prefix(std::string_view prefix) {
  std::string end(prefix);
  while (!end.empty() && static_cast<unsigned char>(end.back()) == 0xFF) end.pop_back();
  if (!end.empty()) end.back() = static_cast<char>(end.back() + 1);
  return end;
}

class RawSqlite {
 public:
  explicit RawSqlite(const std::string& path) {
    for (Lane& lane : lanes_) lane.open(path);
  }

  Values mget(int lane_index, std::span<const std::string> keys) {
    Lane& lane = lanes_[static_cast<std::size_t>(lane_index)];
    Values values(keys.size());
    // Several lookups share one snapshot; one needs no transaction.
    const bool snapshot = keys.size() > 1;
    if (snapshot) lane.once(lane.begin_read);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      lane.bind(lane.get, 1, keys[i]);
      if (lane.step(lane.get)) {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(lane.get, 0));
        values[i].emplace(data, static_cast<std::size_t>(sqlite3_column_bytes(lane.get, 0)));
      }
      sqlite3_reset(lane.get);
    }
    if (snapshot) lane.once(lane.commit);
    return values;
  }

  void mset(int lane_index, std::span<const KeyValue> pairs) {
    Lane& lane = lanes_[static_cast<std::size_t>(lane_index)];
    const std::lock_guard turn(write_mutex_);
    lane.once(lane.begin_write);
    for (const auto& [key, value] : pairs) {
      lane.bind(lane.put, 1, key);
      lane.bind(lane.put, 2, value);
      lane.step(lane.put);
      sqlite3_reset(lane.put);
    }
    lane.once(lane.commit);
  }

  std::size_t count_keys(int lane_index, std::string_view prefix) {
    Lane& lane = lanes_[static_cast<std::size_t>(lane_index)];
    const std::string end = end_of_prefix(prefix);
    lane.bind(lane.list, 1, prefix);
    lane.bind(lane.list, 2, end);
    std::size_t count = 0;
    std::string key;
    while (lane.step(lane.list)) {
      key.assign(static_cast<const char*>(sqlite3_column_blob(lane.list, 0)),
                 static_cast<std::size_t>(sqlite3_column_bytes(lane.list, 0)));
      count += key.empty() ? 0 : 1;
    }
    sqlite3_reset(lane.list);
    return count;
  }

 private:
  std::array<Lane, 2> lanes_;
  std::mutex write_mutex_;
};

const bool registered = [] {
  static SharedEngine<ByteStoreEngine> full([] {
    const std::string yaml = "default: bench\nstores:\n  bench: { backend: sqlite, path: '" +
                             (scratch_directory() / "bytestore.db").string() +
                             "', synchronous: normal }\n";
    return std::make_unique<ByteStoreEngine>(open_yaml(yaml));
  });
  static SharedEngine<RawSqlite> raw(
      [] { return std::make_unique<RawSqlite>((scratch_directory() / "raw.db").string()); });
  register_suite("Sqlite", full, raw);
  return true;
}();

}  // namespace
}  // namespace bytestore::bench
