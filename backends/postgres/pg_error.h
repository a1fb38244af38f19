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

// The error for a failed `result` (or, with none, the connection's
// message), saying `doing` and where.
Error error_of(PGconn* conn, const PGresult* result, std::string_view doing, const std::string& shown);

// The error for a connection that could not be made.
Error connect_error(PGconn* conn, const std::string& shown);

// The SQLSTATE an Error carries in its message, "" when none: the retry
// loop reads it back from the error's text.
inline constexpr std::string_view kRetryMarker = "(retryable)";

}  // namespace bytestore::postgres
