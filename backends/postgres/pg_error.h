// Errors of the server and of libpq, as bytestore errors.
#pragma once

#include <bytestore/error.hpp>

#include <libpq-fe.h>

#include <string>
#include <string_view>

namespace bytestore::postgres {

// Whether a failure with this SQLSTATE is worth running the whole call
// again on a fresh connection or transaction: the connection was lost or
// the server is restarting (class 08, 57P01-57P03), a serialization
// failure (40001) or a deadlock (40P01).
bool is_retryable(std::string_view sqlstate);

// A failure of the server or of libpq, knowing whether the retry loops
// may run the call again.
class PgError : public Error {
 public:
  PgError(Errc code, const std::string& message, bool retryable = false) : Error(code, message), retryable_(retryable) {}
  bool retryable() const { return retryable_; }

 private:
  bool retryable_;
};

// The error for a failed `result` (or, with none, the connection's
// message), saying `doing` and where.
PgError error_of(PGconn* conn, const PGresult* result, std::string_view doing, const std::string& shown);

// The error for a connection that could not be made.
PgError connect_error(PGconn* conn, const std::string& shown);

}  // namespace bytestore::postgres
