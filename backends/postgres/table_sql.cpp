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

std::vector<std::string> create_table_sql(const TableLayout& layout) {
  if (!layout.langchain)
    return {"CREATE TABLE IF NOT EXISTS " + quoted(layout.table) + " (key bytea PRIMARY KEY, value bytea NOT NULL)"};
  // What SQLAlchemy's create_all() makes for SQLStore's model on PostgreSQL.
  return {"CREATE TABLE IF NOT EXISTS langchain_key_value_stores (namespace VARCHAR NOT NULL, key VARCHAR "
          "NOT NULL, value BYTEA NOT NULL, PRIMARY KEY (namespace, key))",
          "CREATE INDEX IF NOT EXISTS ix_langchain_key_value_stores_namespace ON langchain_key_value_stores "
          "(namespace)",
          "CREATE INDEX IF NOT EXISTS ix_langchain_key_value_stores_key ON langchain_key_value_stores (key)"};
}

std::vector<StatementSpec> table_statements(const TableLayout& layout) {
  if (!layout.langchain) {
    const std::string t = quoted(layout.table);
    const std::string list = "SELECT key FROM " + t + " WHERE key ";
    return {
        {"get", "SELECT key, value FROM " + t + " WHERE key = ANY($1)", {kByteaArrayOid}},
        // One statement per batch: the keys are unique (the caller keeps
        // each key's last value), as ON CONFLICT requires.
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
  const std::string t = "langchain_key_value_stores";
  const std::string key = layout.byte_ordered ? "key" : "key COLLATE \"C\"";
  const std::string list = "SELECT key FROM " + t + " WHERE namespace = $1 AND " + key + " ";
  const std::string order = " ORDER BY " + key + " LIMIT ";
  return {
      {"get", "SELECT key, value FROM " + t + " WHERE namespace = $1 AND key = ANY($2)", {kTextOid, kTextArrayOid}},
      {"put",
       "INSERT INTO " + t + " (namespace, key, value) SELECT $1, k, v FROM unnest($2::varchar[], $3::bytea[]) "
       "AS batch(k, v) ON CONFLICT (namespace, key) DO UPDATE SET value = EXCLUDED.value",
       {kTextOid, kTextArrayOid, kByteaArrayOid}},
      {"erase", "DELETE FROM " + t + " WHERE namespace = $1 AND key = ANY($2)", {kTextOid, kTextArrayOid}},
      {"list_from", list + ">= $2" + order + "$3", {kTextOid, kTextOid, kInt8Oid}},
      {"list_after", list + "> $2" + order + "$3", {kTextOid, kTextOid, kInt8Oid}},
      {"list_from_below", list + ">= $2 AND " + key + " < $3" + order + "$4", {kTextOid, kTextOid, kTextOid, kInt8Oid}},
      {"list_after_below", list + "> $2 AND " + key + " < $3" + order + "$4", {kTextOid, kTextOid, kTextOid, kInt8Oid}},
  };
}

}  // namespace bytestore::postgres
