#include "table_sql.h"

#include <bytestore/error.hpp>

#include "binary_array.h"

namespace bytestore::postgres {
namespace {

constexpr unsigned kInt8Oid = 20;

std::string quoted(const std::string& table) { return "\"" + table + "\""; }

}  // namespace

void check_table_name(const std::string& table) {
  bool valid = !table.empty() && table.size() <= 63 && !(table[0] >= '0' && table[0] <= '9');
  for (char c : table)
    valid = valid && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_');
  if (!valid)
    throw Error(Errc::config, "option 'table': '" + table +
                                  "' is not a valid table name; use letters, digits and '_', not "
                                  "starting with a digit, at most 63 bytes");
}

std::string create_table_sql(const std::string& table) {
  return "CREATE TABLE IF NOT EXISTS " + quoted(table) + " (key bytea PRIMARY KEY, value bytea NOT NULL)";
}

std::vector<StatementSpec> table_statements(const std::string& table) {
  const std::string t = quoted(table);
  const std::string list = "SELECT key FROM " + t + " WHERE key ";
  return {
      {"get", "SELECT key, value FROM " + t + " WHERE key = ANY($1)", {kByteaArrayOid}},
      // One statement per batch: the keys are unique (the caller keeps each
      // key's last value), as ON CONFLICT requires.
      {"put",
       "INSERT INTO " + t + " (key, value) SELECT * FROM unnest($1::bytea[], $2::bytea[]) "
       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
       {kByteaArrayOid, kByteaArrayOid}},
      {"erase", "DELETE FROM " + t + " WHERE key = ANY($1)", {kByteaArrayOid}},
      {"list_from", list + ">= $1 ORDER BY key LIMIT $2", {kByteaOid, kInt8Oid}},
      {"list_after", list + "> $1 ORDER BY key LIMIT $2", {kByteaOid, kInt8Oid}},
      {"list_from_below", list + ">= $1 AND key < $2 ORDER BY key LIMIT $3", {kByteaOid, kByteaOid, kInt8Oid}},
      {"list_after_below", list + "> $1 AND key < $2 ORDER BY key LIMIT $3", {kByteaOid, kByteaOid, kInt8Oid}},
  };
}

}  // namespace bytestore::postgres
