// A database failure injected under a command, as the fault modes
// db_timeout, db_timeout_applied and db_unavailable ask: the command meets
// a database timeout (or an unavailable database) and the client gets the
// real server's HTTP 200 error for it. Inserts fail document by document,
// as the real server reports per-document write failures; other commands
// fail as a whole.
#pragma once

#include <string>

#include "api_error.h"
#include "server_version.h"

namespace bytestore::dataapi {

struct DatabaseFault {
  enum class Kind { kTimeout, kUnavailable } kind = Kind::kTimeout;
  // The writes landed although the client is told they timed out.
  bool applied = false;
};

// Commands whose database work is a write (TIMEOUT_WRITING_DATA); the
// rest read (TIMEOUT_READING_DATA).
bool is_write_command(const std::string& command);

// The error of `fault` for `command` on keyspace.table.
ApiError database_error(const DatabaseFault& fault, const std::string& command, const std::string& keyspace,
                        const std::string& table, ServerVersion version);

}  // namespace bytestore::dataapi
