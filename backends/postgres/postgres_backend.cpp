// The `postgres` backend: one table (key bytea PRIMARY KEY, value bytea)
// in a PostgreSQL database, through libpq. Every mset, mget and mdelete is
// one statement (so one transaction) over the whole batch, sent as binary
// arrays to statements prepared once per connection; a listing is a range
// scan of the primary key in byte order.
#include <bytestore/plugin_sdk.hpp>

#include <climits>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "async_loop.h"
#include "binary_array.h"
#include "connection_pool.h"
#include "key_cursor.h"
#include "key_range.h"
#include "postgres_options.h"
#include "settings.h"
#include "table_sql.h"

namespace bytestore::postgres {
namespace {

// A btree entry holds at most 2704 bytes (a third of an 8 KiB page) with
// its header: 2,048-byte keys always fit, uncompressed.
constexpr std::uint64_t kMaxKeyBytes = 2048;
// A bytea field holds under 1 GiB, and a whole message (the batch's Bind)
// must stay under it too: one value of 1e9 bytes beside its key fits.
constexpr std::uint64_t kMaxValueBytes = 1'000'000'000 - kMaxKeyBytes;
// A batch bigger than this goes as several statements in one transaction.
constexpr std::uint64_t kStatementBytes = 256ull << 20;
constexpr std::uint64_t kMaxConnections = 64;

}  // namespace

class PostgresBackend {
 public:
  using Options = PostgresOptions;
  static constexpr const char* kName = "postgres";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "PostgreSQL table through libpq: persistent, atomic batches, ordered keys, shared by services.";
  static constexpr Capabilities kDefaultCapabilities{kMaxKeyBytes, kMaxValueBytes, true, true, true, true};

  static void check_options(const Options& options) {
    check_table_name(options.table);
    if (options.layout == Layout::langchain) {
      if (options.namespace_.empty())
        throw Error(Errc::config, "option 'namespace' is required with layout: langchain (SQLStore's namespace)");
      if (options.table != kDefaultTable)
        throw Error(Errc::config, "option 'table' cannot be set with layout: langchain, whose table is "
                                  "langchain_key_value_stores");
    } else if (!options.namespace_.empty()) {
      throw Error(Errc::config, "option 'namespace' needs layout: langchain");
    }
    if (options.connections < 1 || options.connections > kMaxConnections)
      throw Error(Errc::config, "option 'connections' must be between 1 and " + std::to_string(kMaxConnections));
    if (options.statement_timeout.count() < 1 || options.statement_timeout.count() > INT_MAX)
      throw Error(Errc::config, "option 'statement_timeout' must be between 1 ms and " + std::to_string(INT_MAX) + " ms");
    if (options.connect_timeout.count() < 1)
      throw Error(Errc::config, "option 'connect_timeout' must be at least 1 ms");
    if (options.page_size < 1 || options.page_size > INT_MAX)
      throw Error(Errc::config, "option 'page_size' must be between 1 and " + std::to_string(INT_MAX));
    connect_settings(options);  // the URL parses
  }

  // Where the data lives, for `bytestore info`; contacts nothing, so
  // whether any is there is unknown.
  static sdk::Location locate(const Options& options) {
    const bool langchain = options.layout == Layout::langchain;
    return {"postgres " + connect_settings(options).shown + ", table " +
                (langchain ? std::string(kLangChainTable) + ", namespace " + options.namespace_ : options.table),
            sdk::Location::Data::unknown};
  }

  explicit PostgresBackend(const Options& options)
      : page_size_(options.page_size),
        layout_{options.layout == Layout::langchain ? kLangChainTable : options.table,
                options.layout == Layout::langchain, true} {
    if (layout_.langchain) scope_ = options.namespace_;
    const ConnectSettings settings = connect_settings(options);
    prepare_table(settings, options);
    pool_ = std::make_shared<ConnectionPool>(settings, table_statements(layout_), options.connections,
                                             options.max_retries);
    async_ = std::make_unique<AsyncLoop>(settings, table_statements(layout_), options.connections,
                                         options.max_retries);
  }

  Capabilities capabilities() const { return kDefaultCapabilities; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    const GetRequest request = get_request(keys);
    if (request.places.empty()) return;
    const Result rows = pool_->run([&](Connection& c) { return c.run("get", views(request.params)); });
    answer(request, rows.get(), sink);
  }

  void submit_mget(std::span<const std::string_view> keys, sdk::ValueSink sink, sdk::Completion done) {
    auto request = std::make_shared<GetRequest>(get_request(keys));
    if (request->places.empty()) return done.succeed();
    async_->submit({"get", request->params,
                    [request, sink, done](const PGresult* rows) {
                      answer(*request, rows, sink);
                      done.succeed();
                    },
                    [done](std::exception_ptr e) { done.fail(e); }});
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    const std::vector<std::vector<std::string>> statements = put_statements(pairs);
    pool_->run([&](Connection& c) {
      if (statements.size() == 1) return void(c.run("put", views(statements[0])));
      c.execute("BEGIN");
      for (const auto& params : statements) c.run("put", views(params));
      c.execute("COMMIT");
    });
  }

  void submit_mset(std::span<const sdk::KeyValueView> pairs, sdk::Completion done) {
    try {
      std::vector<std::vector<std::string>> statements = put_statements(pairs);
      // A batch of several statements needs a transaction of its own
      // connection: it runs here, on the pool, as the sync call does.
      if (statements.size() > 1) {
        mset(pairs);
        return done.succeed();
      }
      async_->submit({"put", std::move(statements[0]), [done](const PGresult*) { done.succeed(); },
                      [done](std::exception_ptr e) { done.fail(e); }});
    } catch (...) {
      done.fail(std::current_exception());
    }
  }

  void mdelete(std::span<const std::string_view> keys) {
    const std::optional<std::vector<std::string>> params = erase_params(keys);
    if (params) pool_->run([&](Connection& c) { c.run("erase", views(*params)); });
  }

  void submit_mdelete(std::span<const std::string_view> keys, sdk::Completion done) {
    std::optional<std::vector<std::string>> params = erase_params(keys);
    if (!params) return done.succeed();
    async_->submit({"erase", std::move(*params), [done](const PGresult*) { done.succeed(); },
                    [done](std::exception_ptr e) { done.fail(e); }});
  }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    if (!storable(prefix)) return KeyCursor::empty();  // no key holds a NUL
    return std::make_unique<KeyCursor>(pool_, scope_, std::string(prefix),
                                       layout_.langchain ? code_point_successor(prefix) : sdk::prefix_end(prefix),
                                       page_size_);
  }

 private:
  // An mget's statement parameters, and where each distinct key's answer goes.
  struct GetRequest {
    std::unordered_map<std::string, std::vector<std::size_t>> places;
    std::vector<std::string> params;
  };

  GetRequest get_request(std::span<const std::string_view> keys) const {
    GetRequest request;
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (storable(keys[i])) request.places[std::string(keys[i])].push_back(i);
    if (request.places.empty()) return request;
    BinaryArray wanted(key_oid(), request.places.size());
    for (const auto& [key, at] : request.places) wanted.add(key);
    request.params = scoped_owned({wanted.bytes()});
    return request;
  }

  static void answer(const GetRequest& request, const PGresult* rows, const sdk::ValueSink& sink) {
    for (int r = 0; r < PQntuples(rows); ++r) {
      const std::string key(PQgetvalue(rows, r, 0), static_cast<std::size_t>(PQgetlength(rows, r, 0)));
      const std::string_view value(PQgetvalue(rows, r, 1), static_cast<std::size_t>(PQgetlength(rows, r, 1)));
      if (const auto found = request.places.find(key); found != request.places.end())
        for (std::size_t i : found->second) sink(i, value);
    }
  }

  // The parameters of each put statement of a batch: at most
  // kStatementBytes each, a key repeated in the batch once, with its last
  // value (ON CONFLICT cannot touch a row twice).
  std::vector<std::vector<std::string>> put_statements(std::span<const sdk::KeyValueView> pairs) const {
    std::unordered_map<std::string_view, std::size_t> last;
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (!storable(pairs[i].first))
        throw Error(Errc::invalid_argument,
                    "LangChain's table keeps keys as PostgreSQL text, which cannot hold a NUL byte");
      last[pairs[i].first] = i;
    }
    std::vector<std::size_t> order;
    order.reserve(last.size());
    for (std::size_t i = 0; i < pairs.size(); ++i)
      if (last[pairs[i].first] == i) order.push_back(i);
    std::vector<std::vector<std::string>> statements;
    for (std::size_t begin = 0; begin < order.size();) {
      std::size_t end = begin, bytes = 0;
      while (end < order.size() && (end == begin || bytes + pairs[order[end]].first.size() +
                                                         pairs[order[end]].second.size() <= kStatementBytes)) {
        bytes += pairs[order[end]].first.size() + pairs[order[end]].second.size();
        ++end;
      }
      BinaryArray keys(key_oid(), end - begin), values(kByteaOid, end - begin);
      for (std::size_t j = begin; j < end; ++j) {
        keys.add(pairs[order[j]].first);
        values.add(pairs[order[j]].second);
      }
      statements.push_back(scoped_owned({keys.bytes(), values.bytes()}));
      begin = end;
    }
    return statements;
  }

  // nullopt when no key could be stored (nothing to delete).
  std::optional<std::vector<std::string>> erase_params(std::span<const std::string_view> keys) const {
    std::vector<std::string_view> storable_keys;
    for (std::string_view key : keys)
      if (storable(key)) storable_keys.push_back(key);
    if (storable_keys.empty()) return std::nullopt;
    BinaryArray gone(key_oid(), storable_keys.size());
    for (std::string_view key : storable_keys) gone.add(key);
    return scoped_owned({gone.bytes()});
  }

  std::vector<std::string> scoped_owned(std::vector<std::string> params) const {
    if (scope_) params.insert(params.begin(), *scope_);
    return params;
  }
  static std::vector<std::string_view> views(const std::vector<std::string>& params) {
    return {params.begin(), params.end()};
  }

  // LangChain's keys are text: a NUL byte cannot be one.
  bool storable(std::string_view key) const {
    return !layout_.langchain || key.find('\0') == std::string_view::npos;
  }
  unsigned key_oid() const { return layout_.langchain ? kTextOid : kByteaOid; }
  // Creates the table (setup_mode: sync) or checks it is there (off), on
  // a connection of its own: statements cannot be prepared before. Reads
  // whether LangChain's key column sorts as bytes.
  void prepare_table(const ConnectSettings& settings, const Options& options) {
    ConnectionPool setup(settings, {}, 1, options.max_retries);
    setup.run([&](Connection& c) {
      if (options.setup_mode == SetupMode::sync) {
        for (const std::string& ddl : create_table_sql(layout_)) {
          try {
            c.execute(ddl);
          } catch (const Error& e) {
            // Two processes creating the table at once: one wins, and the
            // other's IF NOT EXISTS can still fail with a unique violation
            // in the catalog (23505) or a duplicate table or index (42P07,
            // 42710).
            const std::string_view what = e.what();
            if (what.find("(SQLSTATE 23505)") == std::string_view::npos &&
                what.find("(SQLSTATE 42P07)") == std::string_view::npos &&
                what.find("(SQLSTATE 42710)") == std::string_view::npos)
              throw;
          }
        }
      } else {
        const Result found = c.execute("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() "
                                       "AND tablename = '" + layout_.table + "'");
        if (PQntuples(found.get()) == 0)
          throw Error(Errc::config, "table \"" + layout_.table + "\" does not exist in postgres " + setup.shown() +
                                        ", and setup_mode: off never creates it");
      }
      if (layout_.langchain) {
        const Result ordered = c.execute(kKeyCollationSql);
        layout_.byte_ordered = PQntuples(ordered.get()) == 1 && std::string_view(PQgetvalue(ordered.get(), 0, 0)) == "t";
      }
    });
  }

  std::uint64_t page_size_;
  TableLayout layout_;
  std::optional<std::string> scope_;  // the namespace, in LangChain's layout
  std::shared_ptr<ConnectionPool> pool_;
  std::unique_ptr<AsyncLoop> async_;  // last: destroyed first, finishing its calls
};

}  // namespace bytestore::postgres

BYTESTORE_PLUGIN(bytestore::postgres::PostgresBackend)
