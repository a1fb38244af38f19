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

// Which table a store keeps its pairs in, and how.
//   bytestore: `table` (key BLOB PRIMARY KEY, value BLOB), WITHOUT ROWID.
//   langchain: LangChain's SQLStore table, as SQLAlchemy creates it on
//              SQLite: langchain_key_value_stores(namespace VARCHAR, key
//              VARCHAR, value BLOB, PRIMARY KEY (namespace, key)) and an
//              index on each of namespace and key; the store is the rows
//              of one namespace, keys stored as TEXT as Python's str.
struct TableLayout {
  std::string table;
  bool langchain = false;
  std::string ns;  // the namespace, langchain only
};

inline constexpr const char* kLangChainTable = "langchain_key_value_stores";

// Refuses a file of a newer format, switches a writable file to WAL, and
// creates the table (recording the format version; LangChain's table
// leaves the file's user_version alone) if it is missing.
void prepare_database(Connection& connection, const TableLayout& layout, bool in_memory,
                      bool read_only);

// The SQL of every statement run on one table. Keys are bound as BLOBs
// (TEXT in LangChain's table), so comparisons are memcmp: byte order,
// NULs included.
struct TableSql {
  explicit TableSql(const TableLayout& layout);

  // Binds a key at `index` as the layout stores keys.
  void bind_key(Statement& statement, int index, std::string_view key) const;
  // Binds what bounds every statement to this store's rows (the namespace,
  // ?9) where the layout has one.
  void bind_scope(Statement& statement) const;

  std::string get;     // ?1 key -> value
  std::string put;     // ?1 key, ?2 value
  std::string erase;   // ?1 key
  // A page of keys in order: ?1 start (first page: inclusive; later pages:
  // exclusive, the last key sent), ?2 exclusive end when bounded, ?3 limit.
  std::string list_from;
  std::string list_from_below;
  std::string list_after;
  std::string list_after_below;

 private:
  bool text_keys_ = false;
  std::string ns_;
};

}  // namespace bytestore::sqlite
