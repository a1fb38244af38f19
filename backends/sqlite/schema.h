// The on-disk format: one table of (key BLOB, value BLOB), and the format
// version recorded in the file's PRAGMA user_version.
#pragma once

#include "connection.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace bytestore::sqlite {

// Bumped, with a migration, whenever the table's layout changes.
inline constexpr std::int64_t kFormatVersion = 1;

// Throws Errc::config unless `table` matches [A-Za-z_][A-Za-z0-9_]*, so it
// can be spliced into SQL.
void check_table_name(std::string_view table);

// Refuses a file of a newer format, switches a writable file to WAL, and
// creates the table (recording the format version) if it is missing.
void prepare_database(Connection& connection, const std::string& table, bool in_memory,
                      bool read_only);

// The SQL of every statement run on one table. Keys are bound as BLOBs,
// so comparisons are memcmp: byte order, NULs included.
struct TableSql {
  explicit TableSql(const std::string& table);

  std::string get;     // ?1 key -> value
  std::string put;     // ?1 key, ?2 value
  std::string erase;   // ?1 key
  // A page of keys in order: ?1 start (first page: inclusive; later pages:
  // exclusive, the last key sent), ?2 exclusive end when bounded, ?3 limit.
  std::string list_from;
  std::string list_from_below;
  std::string list_after;
  std::string list_after_below;
};

}  // namespace bytestore::sqlite
