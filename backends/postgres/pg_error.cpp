#include "pg_error.h"

namespace bytestore::postgres {
namespace {

std::string trimmed(const char* text) {
  std::string out = text ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  for (char& c : out)
    if (c == '\n') c = ' ';
  return out;
}

}  // namespace

bool is_retryable(std::string_view sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate == "40001" || sqlstate == "40P01";
}

PgError error_of(PGconn* conn, const PGresult* result, std::string_view doing, const std::string& shown) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  const std::string sqlstate = state ? state : (PQstatus(conn) == CONNECTION_BAD ? "08006" : "");
  std::string message = std::string(doing) + " on postgres " + shown + " failed: " +
                        trimmed(result ? PQresultErrorMessage(result) : PQerrorMessage(conn));
  if (!sqlstate.empty()) message += " (SQLSTATE " + sqlstate + ")";
  if (sqlstate == "57014")
    return PgError(Errc::unavailable, message + "; the statement ran past statement_timeout");
  if (is_retryable(sqlstate)) return PgError(Errc::unavailable, message, true);
  if (sqlstate.starts_with("28")) return PgError(Errc::unauthorized, message);
  if (sqlstate == "42P01")
    return PgError(Errc::config, message + "; the table is missing (setup_mode: sync creates it)");
  if (sqlstate.starts_with("42")) return PgError(Errc::config, message);
  if (sqlstate == "54000" || sqlstate == "54001") return PgError(Errc::limit_exceeded, message);
  if (sqlstate.starts_with("53")) return PgError(Errc::unavailable, message);
  if (sqlstate.starts_with("XX")) return PgError(Errc::corruption, message);
  return PgError(Errc::io, message);
}

PgError connect_error(PGconn* conn, const std::string& shown) {
  const std::string text = trimmed(PQerrorMessage(conn));
  const std::string message = "cannot connect to postgres " + shown + ": " + text;
  if (text.find("password authentication failed") != std::string::npos ||
      text.find("no password supplied") != std::string::npos ||
      text.find("authentication failed") != std::string::npos)
    return PgError(Errc::unauthorized, message);
  // TLS that cannot be set up will not come up by trying again.
  if (text.find("certificate") != std::string::npos || text.find("SSL") != std::string::npos)
    return PgError(Errc::unavailable, message +
                                        "; check sslmode and sslrootcert in the url (the CA that signed "
                                        "the server's certificate)");
  return PgError(Errc::unavailable, message, true);
}

}  // namespace bytestore::postgres
