// The statements of one table: key bytea PRIMARY KEY, value bytea. Keys
// compare as bytes (bytea's order is memcmp), so a prefix listing is a
// range scan of the primary key's index in byte order.
#pragma once

#include <string>
#include <vector>

#include "connection.h"

namespace bytestore::postgres {

// Throws Errc::config unless `table` is [A-Za-z_][A-Za-z0-9_]* of at most
// 63 bytes, so it can be spliced into SQL.
void check_table_name(const std::string& table);

std::string create_table_sql(const std::string& table);

// Prepared on every connection: get, put, erase, and the four listing pages
// (from/after the start, with or without an end).
std::vector<StatementSpec> table_statements(const std::string& table);

}  // namespace bytestore::postgres
