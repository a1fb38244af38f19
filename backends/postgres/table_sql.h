// The statements of one store's table. The default layout is key bytea
// PRIMARY KEY, value bytea: keys compare as bytes (bytea's order is
// memcmp), so a prefix listing is a range scan of the primary key's index
// in byte order. LangChain's layout is SQLStore's table
// langchain_key_value_stores(namespace varchar, key varchar, value bytea,
// PRIMARY KEY (namespace, key)), every statement bounded by the namespace
// ($1), keys as text.
#pragma once

#include <string>
#include <vector>

#include "connection.h"

namespace bytestore::postgres {

// Throws Errc::config unless `table` is [A-Za-z_][A-Za-z0-9_]* of at most
// 63 bytes, so it can be spliced into SQL.
void check_table_name(const std::string& table);

struct TableLayout {
  std::string table;
  bool langchain = false;
  // langchain only: whether the key column sorts as bytes (its collation
  // is C or POSIX). If not, listings compare and sort with COLLATE "C",
  // which its index cannot serve.
  bool byte_ordered = true;
};

inline constexpr const char* kLangChainTable = "langchain_key_value_stores";

// The DDL setup_mode: sync runs, one statement each.
std::vector<std::string> create_table_sql(const TableLayout& layout);

// Reads whether LangChain's key column sorts as bytes.
inline constexpr const char* kKeyCollationSql =
    "SELECT coalesce(c.collname = 'default' AND d.datcollate IN ('C', 'POSIX') OR c.collname IN ('C', "
    "'POSIX'), false) FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation "
    "JOIN pg_database d ON d.datname = current_database() "
    "WHERE a.attrelid = 'langchain_key_value_stores'::regclass AND a.attname = 'key'";

// Prepared on every connection: get, put, erase, and the four listing pages
// (from/after the start, with or without an end).
std::vector<StatementSpec> table_statements(const TableLayout& layout);

}  // namespace bytestore::postgres
