#include "connection.h"

#include <chrono>
#include <thread>

#include "sqlite_error.h"

#include <climits>
#include <cstring>
#include <string>

namespace bytestore::sqlite {

namespace {

const char* synchronous_pragma(Synchronous mode) {
  switch (mode) {
    case Synchronous::full: return "PRAGMA synchronous = FULL";
    case Synchronous::normal: return "PRAGMA synchronous = NORMAL";
    case Synchronous::off: return "PRAGMA synchronous = OFF";
  }
  return "PRAGMA synchronous = FULL";
}

// SQLite treats a NULL blob pointer as NULL, so empty bytes point here.
constexpr char kNoBytes[1] = {0};

// SQLite's message for the last failure on `db`, with the OS error behind
// it when there is one ("unable to open database file: Is a directory").
std::string detail_of(sqlite3* db, int rc) {
  if (!db) return sqlite3_errstr(rc);
  std::string detail = sqlite3_errmsg(db);
  const int os_error = sqlite3_system_errno(db);
  if (os_error != 0 && errc_of(rc) == Errc::io) detail += std::string(": ") + std::strerror(os_error);
  return detail;
}

}  // namespace

Connection::Connection(const ConnectionSettings& settings) : settings_(settings) {
  if (sqlite3_threadsafe() == 0)
    throw Error(Errc::plugin, "the SQLite library was built without thread support");
  const int flags = (settings.read_only ? SQLITE_OPEN_READONLY
                                        : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  const int rc = sqlite3_open_v2(settings.filename.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string detail = detail_of(db_, rc);
    if ((rc & 0xFF) == SQLITE_CANTOPEN)
      detail += settings.read_only ? "; with read_only: true the file must already exist"
                                   : "; the path must name a file in a writable directory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw sqlite_error(rc, "cannot open", settings.path, detail, settings.busy_timeout);
  }
  sqlite3_extended_result_codes(db_, 1);
  const auto timeout = settings.busy_timeout.count();
  sqlite3_busy_timeout(db_, timeout > INT_MAX ? INT_MAX : static_cast<int>(timeout));
  try {
    execute(synchronous_pragma(settings.synchronous), "cannot open");
  } catch (...) {
    sqlite3_close(db_);
    throw;
  }
}

Connection::~Connection() {
  for (auto& [sql, statement] : statements_) sqlite3_finalize(statement);
  sqlite3_close(db_);
}

sqlite3_stmt* Connection::prepared(const std::string& sql) {
  if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
  sqlite3_stmt* statement = nullptr;
  const int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (rc != SQLITE_OK) throw error(rc, "cannot prepare a statement on");
  statements_.emplace(sql, statement);
  return statement;
}

void Connection::execute(const char* sql, std::string_view doing) {
  const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) throw error(rc, doing.empty() ? std::string("failed '") + sql + "' on" : doing);
}

void Connection::execute_when_unlocked(const char* sql) {
  const auto deadline = std::chrono::steady_clock::now() + settings_.busy_timeout;
  for (;;) {
    const int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc == SQLITE_OK) return;
    if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) throw error(rc, std::string("failed '") + sql + "' on");
    if (std::chrono::steady_clock::now() >= deadline) throw error(rc, std::string("failed '") + sql + "' on");
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

Error Connection::error(int rc, std::string_view doing) const {
  return sqlite_error(rc, doing, settings_.path, detail_of(db_, rc), settings_.busy_timeout);
}

Statement::Statement(Connection& connection, const std::string& sql)
    : connection_(connection), statement_(connection.prepared(sql)) {}

Statement::~Statement() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

void Statement::bind(int index, std::string_view bytes) {
  const char* data = bytes.empty() ? kNoBytes : bytes.data();
  const int rc = sqlite3_bind_blob64(statement_, index, data, bytes.size(), SQLITE_STATIC);
  if (rc != SQLITE_OK) throw connection_.error(rc, "cannot bind a value for");
}

void Statement::bind_text(int index, std::string_view text) {
  const char* data = text.empty() ? kNoBytes : text.data();
  const int rc = sqlite3_bind_text64(statement_, index, data, text.size(), SQLITE_STATIC, SQLITE_UTF8);
  if (rc != SQLITE_OK) throw connection_.error(rc, "cannot bind a value for");
}

void Statement::bind(int index, std::int64_t value) {
  const int rc = sqlite3_bind_int64(statement_, index, value);
  if (rc != SQLITE_OK) throw connection_.error(rc, "cannot bind a value for");
}

bool Statement::step(std::string_view doing) {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  // Reset first: it leaves the statement reusable and holding no lock.
  sqlite3_reset(statement_);
  if (doing.empty()) doing = sqlite3_stmt_readonly(statement_) ? "cannot read from" : "cannot write to";
  throw connection_.error(rc, doing);
}

void Statement::reset() {
  sqlite3_reset(statement_);
}

std::string_view Statement::bytes(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  const int size = sqlite3_column_bytes(statement_, column);
  return data ? std::string_view(data, static_cast<std::size_t>(size)) : std::string_view();
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}

Transaction::Transaction(Connection& connection, Kind kind) : connection_(connection), kind_(kind) {
  run(kind == Kind::write ? "BEGIN IMMEDIATE" : "BEGIN",
      kind == Kind::write ? "cannot start writing to" : "cannot start reading from");
  open_ = true;
}

Transaction::~Transaction() {
  // SQLite already rolled back by itself after some failures (full disk,
  // I/O error); a ROLLBACK then would only fail.
  if (open_ && !sqlite3_get_autocommit(connection_.handle()))
    sqlite3_exec(connection_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

void Transaction::commit() {
  run("COMMIT", kind_ == Kind::write ? "cannot commit to" : "cannot finish reading from");
  open_ = false;
}

void Transaction::run(const std::string& sql, std::string_view doing) {
  Statement(connection_, sql).step(doing);
}

}  // namespace bytestore::sqlite
