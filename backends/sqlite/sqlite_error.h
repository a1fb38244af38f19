// Turning SQLite result codes into bytestore errors.
#pragma once

#include <bytestore/error.hpp>

#include <chrono>
#include <string_view>

namespace bytestore::sqlite {

// The bytestore code for SQLite result code `rc` (primary or extended).
Errc errc_of(int rc);

// What went wrong and where: `doing` says what was being attempted
// ("opening", "writing to"), `path` the database, `detail` SQLite's own
// message. Busy errors mention the timeout that ran out.
Error sqlite_error(int rc, std::string_view doing, std::string_view path, std::string_view detail,
                   std::chrono::milliseconds busy_timeout);

}  // namespace bytestore::sqlite
