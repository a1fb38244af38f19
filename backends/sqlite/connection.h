// One SQLite connection with its cache of prepared statements, and the
// scoped uses of it: Statement and Transaction.
//
// A Connection is used by one thread at a time (the pool sees to that);
// it is opened in SQLite's multi-thread mode, so SQLite takes no mutex
// of its own.
#pragma once

#include "sqlite_options.h"

#include <bytestore/error.hpp>

#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bytestore::sqlite {

// How every connection of one store is opened.
struct ConnectionSettings {
  std::string path;      // as the user wrote it, for messages
  std::string filename;  // as handed to sqlite3_open_v2
  bool read_only = false;
  std::chrono::milliseconds busy_timeout{5000};
  Synchronous synchronous = Synchronous::full;
};

class Connection {
 public:
  // Opens and configures a connection; throws bytestore::Error.
  explicit Connection(const ConnectionSettings& settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  sqlite3* handle() const { return db_; }
  const std::string& path() const { return settings_.path; }

  // The prepared statement for `sql`, compiled on first use and kept until
  // the connection closes.
  sqlite3_stmt* prepared(const std::string& sql);

  // Runs `sql` once, discarding any rows (pragmas, DDL). `doing` names the
  // attempt in an error; by default the SQL is quoted.
  void execute(const char* sql, std::string_view doing = {});
  // The same, retried while the file is locked, up to busy_timeout: for
  // statements SQLite does not wait on itself (switching the journal mode
  // while another process is setting the file up).
  void execute_when_unlocked(const char* sql);

  // The error for failure `rc` of the last call on this connection.
  Error error(int rc, std::string_view doing) const;

 private:
  ConnectionSettings settings_;
  sqlite3* db_ = nullptr;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
};

// One use of a cached statement. Bound bytes must outlive the use; the
// statement is reset when the use ends, so it holds no lock afterwards.
class Statement {
 public:
  Statement(Connection& connection, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Binds `bytes` as a BLOB; an empty one stays an empty BLOB, never NULL.
  void bind(int index, std::string_view bytes);
  void bind(int index, std::int64_t value);
  // Binds `text` as TEXT (UTF-8), for columns other programs read as strings.
  void bind_text(int index, std::string_view text);

  // Runs to the next row: true when one is ready, false when done.
  // `doing` names the attempt in an error ("cannot commit to").
  bool step(std::string_view doing = {});
  // Makes the statement ready to run again with new bindings.
  void reset();

  std::string_view bytes(int column) const;
  std::int64_t integer(int column) const;

 private:
  Connection& connection_;
  sqlite3_stmt* statement_;
};

// BEGIN ... COMMIT on one connection; rolled back unless committed.
class Transaction {
 public:
  enum class Kind {
    read,   // BEGIN: a consistent snapshot; never blocks a writer under WAL
    write,  // BEGIN IMMEDIATE: takes the write lock now, waiting up to busy_timeout
  };
  Transaction(Connection& connection, Kind kind);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  void commit();

 private:
  void run(const std::string& sql, std::string_view doing);

  Connection& connection_;
  Kind kind_;
  bool open_ = false;
};

}  // namespace bytestore::sqlite
