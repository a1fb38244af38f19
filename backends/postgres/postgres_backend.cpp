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

#include "binary_array.h"
#include "connection_pool.h"
#include "key_cursor.h"
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
  static constexpr Capabilities kDefaultCapabilities{kMaxKeyBytes, kMaxValueBytes, true, true, true, false};

  static void check_options(const Options& options) {
    check_table_name(options.table);
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

  explicit PostgresBackend(const Options& options) : page_size_(options.page_size) {
    const ConnectSettings settings = connect_settings(options);
    prepare_table(settings, options);
    pool_ = std::make_shared<ConnectionPool>(settings, table_statements(options.table), options.connections,
                                             options.max_retries);
  }

  Capabilities capabilities() const { return kDefaultCapabilities; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    // Each distinct key once; an answer goes to every place it was asked.
    std::unordered_map<std::string_view, std::vector<std::size_t>> places;
    for (std::size_t i = 0; i < keys.size(); ++i) places[keys[i]].push_back(i);
    BinaryArray wanted(kByteaOid, places.size());
    for (const auto& [key, at] : places) wanted.add(key);
    const Result rows = pool_->run([&](Connection& c) { return c.run("get", {wanted.bytes()}); });
    for (int r = 0; r < PQntuples(rows.get()); ++r) {
      const std::string_view key(PQgetvalue(rows.get(), r, 0), static_cast<std::size_t>(PQgetlength(rows.get(), r, 0)));
      const std::string_view value(PQgetvalue(rows.get(), r, 1), static_cast<std::size_t>(PQgetlength(rows.get(), r, 1)));
      if (const auto found = places.find(key); found != places.end())
        for (std::size_t i : found->second) sink(i, value);
    }
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    // A key repeated in the batch keeps its last value: one row per key.
    std::unordered_map<std::string_view, std::size_t> last;
    for (std::size_t i = 0; i < pairs.size(); ++i) last[pairs[i].first] = i;
    std::vector<std::size_t> order;
    order.reserve(last.size());
    for (std::size_t i = 0; i < pairs.size(); ++i)
      if (last[pairs[i].first] == i) order.push_back(i);
    // Statements of at most kStatementBytes, all in one transaction.
    std::vector<std::pair<std::string, std::string>> statements;
    for (std::size_t begin = 0; begin < order.size();) {
      std::size_t end = begin, bytes = 0;
      while (end < order.size() && (end == begin || bytes + pairs[order[end]].first.size() +
                                                         pairs[order[end]].second.size() <= kStatementBytes)) {
        bytes += pairs[order[end]].first.size() + pairs[order[end]].second.size();
        ++end;
      }
      BinaryArray keys(kByteaOid, end - begin), values(kByteaOid, end - begin);
      for (std::size_t j = begin; j < end; ++j) {
        keys.add(pairs[order[j]].first);
        values.add(pairs[order[j]].second);
      }
      statements.emplace_back(keys.bytes(), values.bytes());
      begin = end;
    }
    pool_->run([&](Connection& c) {
      if (statements.size() == 1) return void(c.run("put", {statements[0].first, statements[0].second}));
      c.execute("BEGIN");
      for (const auto& [keys, values] : statements) c.run("put", {keys, values});
      c.execute("COMMIT");
    });
  }

  void mdelete(std::span<const std::string_view> keys) {
    BinaryArray gone(kByteaOid, keys.size());
    for (std::string_view key : keys) gone.add(key);
    pool_->run([&](Connection& c) { c.run("erase", {gone.bytes()}); });
  }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<KeyCursor>(pool_, prefix, page_size_);
  }

 private:
  // Creates the table (setup_mode: sync) or checks it is there (off), on
  // a connection of its own: statements cannot be prepared before.
  static void prepare_table(const ConnectSettings& settings, const Options& options) {
    ConnectionPool setup(settings, {}, 1, options.max_retries);
    setup.run([&](Connection& c) {
      if (options.setup_mode == SetupMode::sync) {
        try {
          c.execute(create_table_sql(options.table));
        } catch (const Error& e) {
          // Two processes creating the table at once: one wins (23505).
          if (std::string_view(e.what()).find("23505") == std::string_view::npos) throw;
        }
        return;
      }
      const Result found = c.execute("SELECT 1 FROM pg_catalog.pg_tables WHERE schemaname = current_schema() AND "
                                     "tablename = '" + options.table + "'");
      if (PQntuples(found.get()) == 0)
        throw Error(Errc::config, "table \"" + options.table + "\" does not exist in postgres " + setup.shown() +
                                      ", and setup_mode: off never creates it");
    });
  }

  std::uint64_t page_size_;
  std::shared_ptr<ConnectionPool> pool_;
};

}  // namespace bytestore::postgres

BYTESTORE_PLUGIN(bytestore::postgres::PostgresBackend)
