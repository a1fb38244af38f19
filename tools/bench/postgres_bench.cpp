// The postgres backend against libpq written by hand, on a PostgreSQL 15
// server of the run's own (tests/support/local_postgres.h):
//   BM_Postgres_<Op>/ByteStore  the backend, its default layout
//   BM_Postgres_<Op>/Raw        the same statements by hand: binary bytea[]
//                               arrays to statements prepared once per
//                               connection, one statement per batch
//   BM_PgLangChain_<Op>/ByteStore  the backend on LangChain SQLStore's table
//   BM_PgLangChain_<Op>/Raw        SQLStore's own pattern, by hand: mget one
//                               SELECT ... IN (...), mset DELETE ... IN then
//                               one multi-row INSERT in a transaction,
//                               listing every key of the namespace and
//                               filtering in the client
// Each side has its own table holding the 100 B and 4 KiB key sets.
#include <libpq-fe.h>

#include <list>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "../../backends/postgres/binary_array.h"
#include "local_postgres.h"
#include "suite.h"

namespace bytestore::bench {
namespace {

using postgres::BinaryArray;
using testing::LocalPostgres;

constexpr ValueSize kSizes[] = {ValueSize::small, ValueSize::medium};

LocalPostgres& server() {
  static LocalPostgres* instance = [] {
    auto* s = new LocalPostgres();
    on_close([s] { delete s; });
    return s;
  }();
  return *instance;
}

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using Result = std::unique_ptr<PGresult, ResultDeleter>;

// One connection per benchmark thread, as a hand-written service would.
class Lanes {
 public:
  explicit Lanes(std::function<void(PGconn*)> prepare) : prepare_(std::move(prepare)) {}
  ~Lanes() {
    for (PGconn* c : conns_)
      if (c) PQfinish(c);
  }
  PGconn* get(int lane) {
    std::lock_guard lock(mutex_);
    PGconn*& c = conns_[static_cast<std::size_t>(lane)];
    if (!c) {
      c = PQconnectdb(server().url_with_password().c_str());
      if (PQstatus(c) != CONNECTION_OK) throw std::runtime_error(PQerrorMessage(c));
      PQsetNoticeProcessor(c, [](void*, const char*) {}, nullptr);
      prepare_(c);
    }
    return c;
  }

 private:
  std::function<void(PGconn*)> prepare_;
  std::mutex mutex_;
  PGconn* conns_[2] = {nullptr, nullptr};
};

Result ok(PGresult* r, const char* what) {
  Result owned(r);
  const auto status = PQresultStatus(r);
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    throw std::runtime_error(std::string(what) + ": " + PQresultErrorMessage(r));
  return owned;
}

Result run_binary(PGconn* c, const char* name, const std::vector<std::string_view>& params) {
  std::vector<const char*> data;
  std::vector<int> lengths, formats(params.size(), 1);
  for (std::string_view p : params) {
    data.push_back(p.empty() ? "" : p.data());
    lengths.push_back(static_cast<int>(p.size()));
  }
  return ok(PQexecPrepared(c, name, static_cast<int>(params.size()), data.data(), lengths.data(), formats.data(), 1),
            name);
}

// Answers in request order from rows of (key, value).
Values answers(std::span<const std::string> keys, const PGresult* rows) {
  std::unordered_map<std::string_view, std::vector<std::size_t>> places;
  for (std::size_t i = 0; i < keys.size(); ++i) places[keys[i]].push_back(i);
  Values values(keys.size());
  for (int r = 0; r < PQntuples(rows); ++r) {
    const std::string_view key(PQgetvalue(rows, r, 0), static_cast<std::size_t>(PQgetlength(rows, r, 0)));
    for (std::size_t i : places[key]) values[i].emplace(PQgetvalue(rows, r, 1), static_cast<std::size_t>(PQgetlength(rows, r, 1)));
  }
  return values;
}

class RawPostgres {
 public:
  RawPostgres()
      : lanes_([](PGconn* c) {
          ok(PQexec(c, "CREATE TABLE IF NOT EXISTS raw_kv (key bytea PRIMARY KEY, value bytea NOT NULL)"), "create");
          const Oid arr = postgres::kByteaArrayOid, one = postgres::kByteaOid;
          const Oid get[] = {arr}, put[] = {arr, arr}, list[] = {one, one};
          ok(PQprepare(c, "get", "SELECT key, value FROM raw_kv WHERE key = ANY($1)", 1, get), "prepare");
          ok(PQprepare(c, "put",
                       "INSERT INTO raw_kv (key, value) SELECT * FROM unnest($1::bytea[], $2::bytea[]) "
                       "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                       2, put),
             "prepare");
          ok(PQprepare(c, "list", "SELECT key FROM raw_kv WHERE key >= $1 AND key < $2 ORDER BY key", 2, list),
             "prepare");
        }) {}

  Values mget(int lane, std::span<const std::string> keys) {
    std::map<std::string_view, int> distinct;
    for (const std::string& k : keys) distinct.emplace(k, 0);
    BinaryArray wanted(postgres::kByteaOid, distinct.size());
    for (const auto& [k, _] : distinct) wanted.add(k);
    const Result rows = run_binary(lanes_.get(lane), "get", {wanted.bytes()});
    return answers(keys, rows.get());
  }

  void mset(int lane, std::span<const KeyValue> pairs) {
    std::unordered_map<std::string_view, std::size_t> last;
    for (std::size_t i = 0; i < pairs.size(); ++i) last[pairs[i].first] = i;
    BinaryArray keys(postgres::kByteaOid, last.size()), values(postgres::kByteaOid, last.size());
    for (std::size_t i = 0; i < pairs.size(); ++i)
      if (last[pairs[i].first] == i) {
        keys.add(pairs[i].first);
        values.add(pairs[i].second);
      }
    run_binary(lanes_.get(lane), "put", {keys.bytes(), values.bytes()});
  }

  std::size_t count_keys(int lane, std::string_view prefix) {
    std::string end(prefix);
    end.back() = static_cast<char>(end.back() + 1);  // the scan prefix ends in '/'
    const Result rows = run_binary(lanes_.get(lane), "list", {prefix, end});
    return static_cast<std::size_t>(PQntuples(rows.get()));
  }

 private:
  Lanes lanes_;
};

// LangChain SQLStore's statements (SQLAlchemy over psycopg2: text
// parameters, one per key, sent with each query).
class SqlStorePattern {
 public:
  SqlStorePattern()
      : lanes_([](PGconn* c) {
          ok(PQexec(c, "CREATE TABLE IF NOT EXISTS langchain_key_value_stores (namespace VARCHAR NOT NULL, key "
                       "VARCHAR NOT NULL, value BYTEA NOT NULL, PRIMARY KEY (namespace, key))"),
             "create");
        }) {}

  Values mget(int lane, std::span<const std::string> keys) {
    std::string sql = "SELECT key, value FROM langchain_key_value_stores WHERE namespace = $1 AND key IN (";
    std::vector<const char*> params = {kNamespace};
    for (std::size_t i = 0; i < keys.size(); ++i) {
      sql += (i ? ", $" : "$") + std::to_string(i + 2);
      params.push_back(keys[i].c_str());
    }
    sql += ")";
    const Result rows = ok(PQexecParams(lanes_.get(lane), sql.c_str(), static_cast<int>(params.size()), nullptr,
                                        params.data(), nullptr, nullptr, 1),
                           "select");
    return answers(keys, rows.get());
  }

  void mset(int lane, std::span<const KeyValue> pairs) {
    PGconn* c = lanes_.get(lane);
    ok(PQexec(c, "BEGIN"), "begin");
    std::string erase = "DELETE FROM langchain_key_value_stores WHERE namespace = $1 AND key IN (";
    std::vector<const char*> keys = {kNamespace};
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      erase += (i ? ", $" : "$") + std::to_string(i + 2);
      keys.push_back(pairs[i].first.c_str());
    }
    erase += ")";
    ok(PQexecParams(c, erase.c_str(), static_cast<int>(keys.size()), nullptr, keys.data(), nullptr, nullptr, 0), "delete");
    // Rows of the batch once each (the last value), as the session adds them.
    std::unordered_map<std::string_view, std::size_t> last;
    for (std::size_t i = 0; i < pairs.size(); ++i) last[pairs[i].first] = i;
    std::string insert = "INSERT INTO langchain_key_value_stores (namespace, key, value) VALUES ";
    std::vector<const char*> data;
    std::vector<int> lengths, formats;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (last[pairs[i].first] != i) continue;
      const std::size_t n = data.size();
      insert += (n ? ", ($" : "($") + std::to_string(n + 1) + ", $" + std::to_string(n + 2) + ", $" +
                std::to_string(n + 3) + ")";
      for (std::string_view p : {std::string_view(kNamespace), std::string_view(pairs[i].first),
                                 std::string_view(pairs[i].second)}) {
        data.push_back(p.empty() ? "" : p.data());
        lengths.push_back(static_cast<int>(p.size()));
        formats.push_back(data.size() % 3 == 0 ? 1 : 0);  // the value binary, as psycopg2's bytes
      }
    }
    ok(PQexecParams(c, insert.c_str(), static_cast<int>(data.size()), nullptr, data.data(), lengths.data(),
                    formats.data(), 0),
       "insert");
    ok(PQexec(c, "COMMIT"), "commit");
  }

  std::size_t count_keys(int lane, std::string_view prefix) {
    const char* params[] = {kNamespace};
    const Result rows = ok(PQexecParams(lanes_.get(lane), "SELECT key FROM langchain_key_value_stores WHERE namespace = $1",
                                        1, nullptr, params, nullptr, nullptr, 0),
                           "select");
    std::size_t count = 0;
    for (int r = 0; r < PQntuples(rows.get()); ++r) count += std::string_view(PQgetvalue(rows.get(), r, 0)).starts_with(prefix);
    return count;
  }

  static constexpr const char* kNamespace = "raw";

 private:
  Lanes lanes_;
};

template <class E>
std::function<void(E&)> fill() {
  return [](E& engine) { prefill([&](const SetBatch& pairs) { engine.mset(0, pairs); }, kSizes); };
}

std::unique_ptr<ByteStoreEngine> open_store(const std::string& extra) {
  return std::make_unique<ByteStoreEngine>(open_yaml("default: pg\nstores:\n  pg: { backend: postgres, url: '" +
                                                     server().url_with_password() + "', " + extra + " }\n"));
}

template <class Raw>
void register_pair(const std::string& backend, SharedEngine<ByteStoreEngine>& full, SharedEngine<Raw>& raw) {
  const auto add = [](const std::string& name, auto body) {
    benchmark::RegisterBenchmark(name.c_str(), body)->UseRealTime();
  };
  for (std::size_t batch : {std::size_t{100}, std::size_t{1000}}) {
    for (ValueSize size : kSizes) {
      const std::string tail = params(size, batch);
      add("BM_" + backend + "_Mget/ByteStore/" + tail + "/hit:100",
          [&full, size, batch](benchmark::State& s) { run_mget(s, full, size, batch, 100); });
      add("BM_" + backend + "_Mget/Raw/" + tail + "/hit:100",
          [&raw, size, batch](benchmark::State& s) { run_mget(s, raw, size, batch, 100); });
      add("BM_" + backend + "_Mset/ByteStore/" + tail, [&full, size, batch](benchmark::State& s) { run_mset(s, full, size, batch); });
      add("BM_" + backend + "_Mset/Raw/" + tail, [&raw, size, batch](benchmark::State& s) { run_mset(s, raw, size, batch); });
    }
  }
  add("BM_" + backend + "_YieldKeys/ByteStore/prefix:1pct", [&full](benchmark::State& s) { run_yield_keys(s, full); });
  add("BM_" + backend + "_YieldKeys/Raw/prefix:1pct", [&raw](benchmark::State& s) { run_yield_keys(s, raw); });
}

const bool registered = [] {
  static SharedEngine<ByteStoreEngine> full([] { return open_store("table: bench"); }, fill<ByteStoreEngine>());
  static SharedEngine<RawPostgres> raw([] { return std::make_unique<RawPostgres>(); }, fill<RawPostgres>());
  register_pair("Postgres", full, raw);
  static SharedEngine<ByteStoreEngine> langchain([] { return open_store("layout: langchain, namespace: bench"); },
                                                 fill<ByteStoreEngine>());
  static SharedEngine<SqlStorePattern> pattern([] { return std::make_unique<SqlStorePattern>(); },
                                               fill<SqlStorePattern>());
  register_pair("PgLangChain", langchain, pattern);
  return true;
}();

}  // namespace
}  // namespace bytestore::bench
