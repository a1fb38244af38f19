// One libpq connection with the store's statements prepared on it, and
// the results of running them.
#pragma once

#include <libpq-fe.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bytestore::postgres {

// How to connect: libpq's keywords and values, passed to PQconnectdbParams.
struct ConnectSettings {
  std::vector<std::pair<std::string, std::string>> params;
  std::string shown;  // where, for messages: host:port/database, never a password
};

struct ResultDeleter {
  void operator()(PGresult* result) const { PQclear(result); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// A prepared statement: its name, text and parameter types.
struct StatementSpec {
  std::string name;
  std::string sql;
  std::vector<unsigned> types;
};

class Connection {
 public:
  // Connects and prepares `statements`; throws Error (unauthorized for
  // refused credentials, unavailable otherwise) naming settings.shown.
  Connection(const ConnectSettings& settings, const std::vector<StatementSpec>& statements);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs the prepared statement `name` with binary parameters and binary
  // results; throws Error mapped from the server's SQLSTATE.
  Result run(const std::string& name, const std::vector<std::string_view>& params);
  // Runs `sql` as text (DDL, BEGIN, COMMIT); throws Error.
  Result execute(const std::string& sql);

  // Whether the connection is still usable (false after it was lost).
  // Connected, and in no transaction (one cut short by an error would
  // refuse every later statement).
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE; }
  // For the async loop, which drives it with libpq's non-blocking calls.
  PGconn* raw() const { return conn_; }
  const std::string& shown() const { return shown_; }

 private:
  Result check(PGresult* result, std::string_view doing);

  PGconn* conn_ = nullptr;
  std::string shown_;
};

}  // namespace bytestore::postgres
