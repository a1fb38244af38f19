#include "schema.h"

#include <bytestore/error.hpp>

namespace bytestore::sqlite {

namespace {

bool is_identifier_start(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

bool is_identifier_char(char c) { return is_identifier_start(c) || (c >= '0' && c <= '9'); }

std::int64_t format_version(Connection& connection) {
  Statement version(connection, "PRAGMA user_version");
  version.step();
  return version.integer(0);
}

void check_format_version(std::int64_t version, const std::string& path) {
  if (version > kFormatVersion)
    throw Error(Errc::corruption,
                path + " was written by a newer bytestore (format version " +
                    std::to_string(version) + "; this build reads up to version " +
                    std::to_string(kFormatVersion) + "); open it with a newer bytestore");
}

bool has_table(Connection& connection, const std::string& table) {
  // `table` is a checked identifier, safe inside quotes.
  Statement lookup(connection,
                   "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '" + table + "'");
  return lookup.step();
}

}  // namespace

void check_table_name(std::string_view table) {
  bool valid = !table.empty() && is_identifier_start(table.front());
  for (char c : table) valid = valid && is_identifier_char(c);
  if (!valid)
    throw Error(Errc::config, "option 'table': '" + std::string(table) +
                                  "' is not a valid table name; use letters, digits and '_', "
                                  "not starting with a digit");
}

void prepare_database(Connection& connection, const TableLayout& layout, bool in_memory,
                      bool read_only) {
  const std::string& table = layout.table;
  // Reading the header first makes a damaged or foreign file fail here,
  // as corruption naming the path. LangChain's table lives in files of
  // other programs, whose user_version is theirs.
  std::int64_t version = format_version(connection);
  if (!layout.langchain) check_format_version(version, connection.path());
  if (!in_memory && !read_only) connection.execute_when_unlocked("PRAGMA journal_mode = WAL");
  const bool exists = has_table(connection, table);
  if (read_only) {
    if (!exists)
      throw Error(Errc::config, "table '" + table + "' does not exist in " + connection.path() +
                                    ", and a read_only store cannot create it");
    return;
  }
  if (exists && (layout.langchain || version == kFormatVersion)) return;

  Transaction setup(connection, Transaction::Kind::write);
  if (layout.langchain) {
    // What SQLAlchemy's create_all() makes for SQLStore's model on SQLite.
    connection.execute(
        "CREATE TABLE IF NOT EXISTS langchain_key_value_stores (namespace VARCHAR NOT NULL, "
        "\"key\" VARCHAR NOT NULL, value BLOB NOT NULL, PRIMARY KEY (namespace, \"key\"))");
    connection.execute(
        "CREATE INDEX IF NOT EXISTS ix_langchain_key_value_stores_namespace ON "
        "langchain_key_value_stores (namespace)");
    connection.execute(
        "CREATE INDEX IF NOT EXISTS ix_langchain_key_value_stores_key ON "
        "langchain_key_value_stores (\"key\")");
    setup.commit();
    return;
  }
  // Another process may have set the file up while this one waited.
  version = format_version(connection);
  check_format_version(version, connection.path());
  connection.execute(("CREATE TABLE IF NOT EXISTS \"" + table +
                      "\" (key BLOB NOT NULL PRIMARY KEY, value BLOB NOT NULL) WITHOUT ROWID")
                         .c_str());
  if (version < kFormatVersion)
    connection.execute(("PRAGMA user_version = " + std::to_string(kFormatVersion)).c_str());
  setup.commit();
}

TableSql::TableSql(const TableLayout& layout) : text_keys_(layout.langchain), ns_(layout.ns) {
  const std::string quoted = "\"" + layout.table + "\"";
  // LangChain's table holds every namespace: each statement names this one.
  const std::string scope = layout.langchain ? "namespace = ?9 AND " : "";
  get = "SELECT value FROM " + quoted + " WHERE " + scope + "key = ?1";
  put = layout.langchain
            ? "INSERT INTO " + quoted +
                  " (namespace, key, value) VALUES (?9, ?1, ?2) ON CONFLICT (namespace, key) DO "
                  "UPDATE SET value = excluded.value"
            : "INSERT INTO " + quoted +
                  " (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value";
  erase = "DELETE FROM " + quoted + " WHERE " + scope + "key = ?1";
  const std::string list = "SELECT key FROM " + quoted + " WHERE " + scope + "key ";
  const std::string order = " ORDER BY key LIMIT ?3";
  list_from = list + ">= ?1" + order;
  list_from_below = list + ">= ?1 AND key < ?2" + order;
  list_after = list + "> ?1" + order;
  list_after_below = list + "> ?1 AND key < ?2" + order;
}

void TableSql::bind_key(Statement& statement, int index, std::string_view key) const {
  if (text_keys_)
    statement.bind_text(index, key);
  else
    statement.bind(index, key);
}

void TableSql::bind_scope(Statement& statement) const {
  if (text_keys_) statement.bind_text(9, ns_);
}

}  // namespace bytestore::sqlite
