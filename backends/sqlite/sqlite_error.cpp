#include "sqlite_error.h"

#include <sqlite3.h>

#include <string>

namespace bytestore::sqlite {

Errc errc_of(int rc) {
  switch (rc & 0xFF) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_INTERRUPT:
      return Errc::unavailable;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_FORMAT:
      return Errc::corruption;
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_NOLFS:
    case SQLITE_PROTOCOL:
      return Errc::io;
    case SQLITE_TOOBIG:
      return Errc::limit_exceeded;
    default:
      return Errc::internal;
  }
}

Error sqlite_error(int rc, std::string_view doing, std::string_view path, std::string_view detail,
                   std::chrono::milliseconds busy_timeout) {
  const Errc code = errc_of(rc);
  std::string message(doing);
  message += " ";
  message += path;
  message += ": ";
  message += detail;
  if (!detail.starts_with(sqlite3_errstr(rc))) {
    message += " (";
    message += sqlite3_errstr(rc);
    message += ")";
  }
  switch (code) {
    case Errc::unavailable:
      message += "; another connection held the lock for longer than busy_timeout (" +
                 std::to_string(busy_timeout.count()) + " ms), retry later";
      break;
    case Errc::corruption:
      message += "; the file is damaged or not a SQLite database";
      break;
    default:
      break;
  }
  return Error(code, message);
}

}  // namespace bytestore::sqlite
