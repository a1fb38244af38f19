#include "connection.h"

#include "pg_error.h"

namespace bytestore::postgres {

Connection::Connection(const ConnectSettings& settings, const std::vector<StatementSpec>& statements)
    : shown_(settings.shown) {
  std::vector<const char*> keys, values;
  for (const auto& [key, value] : settings.params) {
    keys.push_back(key.c_str());
    values.push_back(value.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  conn_ = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (!conn_) throw Error(Errc::internal, "out of memory connecting to postgres " + shown_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    PgError error = connect_error(conn_, shown_);
    PQfinish(conn_);
    conn_ = nullptr;
    throw error;
  }
  // Notices ("relation already exists, skipping") and the server's
  // farewell on shutdown are not the caller's output.
  PQsetNoticeProcessor(conn_, [](void*, const char*) {}, nullptr);
  for (const StatementSpec& s : statements)
    check(PQprepare(conn_, s.name.c_str(), s.sql.c_str(), static_cast<int>(s.types.size()),
                    reinterpret_cast<const Oid*>(s.types.data())),
          "preparing a statement");
}

Connection::~Connection() {
  if (conn_) PQfinish(conn_);
}

Result Connection::check(PGresult* result, std::string_view doing) {
  Result owned(result);
  const ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return owned;
  throw error_of(conn_, result, doing, shown_);
}

Result Connection::run(const std::string& name, const std::vector<std::string_view>& params) {
  std::vector<const char*> data;
  std::vector<int> lengths, formats;
  for (std::string_view p : params) {
    data.push_back(p.empty() ? "" : p.data());  // a null pointer would be SQL NULL
    lengths.push_back(static_cast<int>(p.size()));
    formats.push_back(1);
  }
  return check(PQexecPrepared(conn_, name.c_str(), static_cast<int>(params.size()), data.data(),
                              lengths.data(), formats.data(), /*resultFormat=*/1),
               "a statement");
}

Result Connection::execute(const std::string& sql) { return check(PQexec(conn_, sql.c_str()), "a statement"); }

}  // namespace bytestore::postgres
