// The `sqlite` backend: one table in a SQLite database file, in WAL mode.
//
// Every mset and mdelete is one transaction, so batches are atomic and
// survive a killed process once acknowledged. Reads run in parallel on a
// small pool of connections and never wait for a writer; writers of one
// store take turns on a mutex (cheaper than SQLite's sleeping busy
// handler), and writers of other processes are waited for up to
// busy_timeout.
#include "connection_pool.h"
#include "prefix_cursor.h"
#include "schema.h"
#include "sqlite_options.h"

#include <bytestore/plugin_sdk.hpp>

#include <sqlite3.h>

#include <algorithm>
#include <climits>
#include <filesystem>
#include <memory>
#include <mutex>
#include <numeric>
#include <optional>
#include <string>
#include <system_error>
#include <vector>

namespace bytestore::sqlite {

namespace {

constexpr std::uint64_t kMaxKeyBytes = 64 * 1024;
// Bytes a row needs beyond its key and value: the record header (its
// length and two column types, at most 9 bytes each). SQLite refuses a
// row, not only a value, beyond SQLITE_LIMIT_LENGTH.
constexpr std::uint64_t kRowOverhead = 32;
constexpr std::uint64_t kMaxConnections = 64;

bool is_in_memory(const std::string& path) { return path == ":memory:"; }

ConnectionSettings settings_of(const SqliteOptions& options) {
  ConnectionSettings settings;
  settings.path = options.path;
  settings.filename = options.path;
  // This SQLite reads "file:..." names as URIs; a path is only ever a path.
  if (settings.filename.starts_with("file:")) settings.filename.insert(0, "./");
  settings.read_only = options.read_only;
  settings.busy_timeout = options.busy_timeout;
  settings.synchronous = options.synchronous;
  return settings;
}

TableLayout layout_of(const SqliteOptions& options) {
  if (options.layout == Layout::langchain) return {kLangChainTable, true, options.namespace_};
  return {options.table, false, {}};
}

void check_sqlite_options(const SqliteOptions& options) {
  if (options.path.empty()) throw Error(Errc::config, "option 'path' must not be empty");
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
  if (options.page_size < 1 || options.page_size > INT_MAX)
    throw Error(Errc::config, "option 'page_size' must be between 1 and " + std::to_string(INT_MAX));
  if (options.busy_timeout.count() > INT_MAX)
    throw Error(Errc::config, "option 'busy_timeout' must be at most " + std::to_string(INT_MAX) + " ms");
  if (options.connections < 1 || options.connections > kMaxConnections)
    throw Error(Errc::config,
                "option 'connections' must be between 1 and " + std::to_string(kMaxConnections));
  if (options.read_only && is_in_memory(options.path))
    throw Error(Errc::config, "option 'read_only' cannot be used with path ':memory:', which starts empty");
}

void create_parent_directory(const std::string& path) {
  const std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (parent.empty()) return;
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  if (ec)
    throw Error(Errc::io, "cannot create directory " + parent.string() + " for " + path + ": " +
                              ec.message());
}

}  // namespace

class SqliteBackend {
 public:
  using Options = SqliteOptions;
  static constexpr const char* kName = "sqlite";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "SQLite database file (WAL): persistent, atomic batches, ordered keys, many processes.";
  static constexpr Capabilities kDefaultCapabilities{
      kMaxKeyBytes, 1'000'000'000 - kMaxKeyBytes - kRowOverhead, true, true, true, false};

  // Run by the SDK before every open, and by `config check`.
  static void check_options(const Options& options) { check_sqlite_options(options); }

  // The database file and whether it exists; nothing is opened or created.
  static sdk::Location locate(const Options& options) {
    if (is_in_memory(options.path)) return {":memory: (in this process)", sdk::Location::Data::unknown};
    std::error_code ec;
    const std::filesystem::path path = std::filesystem::absolute(options.path, ec).lexically_normal();
    return {path.string(),
            std::filesystem::exists(path, ec) ? sdk::Location::Data::present : sdk::Location::Data::absent};
  }

  explicit SqliteBackend(const Options& options) : options_(options) {
    const bool in_memory = is_in_memory(options.path);
    if (!in_memory && !options.read_only) create_parent_directory(options.path);
    // One connection for ":memory:": each connection would open its own database.
    pool_ = std::make_shared<ConnectionPool>(settings_of(options),
                                             in_memory ? 1 : options.connections);
    const TableLayout layout = layout_of(options);
    sql_ = std::make_shared<const TableSql>(layout);

    auto connection = pool_->acquire();
    if (!options.read_only && sqlite3_db_readonly(connection->handle(), "main") == 1)
      throw Error(Errc::io, options.path +
                                " is not writable (check its permissions and those of its "
                                "directory), or set read_only: true to read it");
    prepare_database(*connection, layout, in_memory, options.read_only);

    capabilities_ = kDefaultCapabilities;
    const auto length_limit =
        static_cast<std::uint64_t>(sqlite3_limit(connection->handle(), SQLITE_LIMIT_LENGTH, -1));
    capabilities_.max_value_bytes = length_limit - kMaxKeyBytes - kRowOverhead;
    capabilities_.persistent = !in_memory;
  }

  Capabilities capabilities() const { return capabilities_; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    // Looking keys up in key order keeps reads of a cold file sequential.
    std::vector<std::size_t> order(keys.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return keys[a] < keys[b]; });

    auto connection = pool_->acquire();
    // Several lookups share one snapshot; one needs no transaction.
    std::optional<Transaction> snapshot;
    if (keys.size() > 1) snapshot.emplace(*connection, Transaction::Kind::read);
    {
      Statement get(*connection, sql_->get);
      sql_->bind_scope(get);
      for (std::size_t i : order) {
        sql_->bind_key(get, 1, keys[i]);
        if (get.step()) sink(i, get.bytes(0));
        get.reset();
      }
    }
    if (snapshot) snapshot->commit();
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    check_writable("mset");
    std::lock_guard turn(write_mutex_);
    auto connection = pool_->acquire();
    Transaction batch(*connection, Transaction::Kind::write);
    {
      Statement put(*connection, sql_->put);
      sql_->bind_scope(put);
      for (const auto& [key, value] : pairs) {
        sql_->bind_key(put, 1, key);
        put.bind(2, value);
        put.step();
        put.reset();
      }
    }
    batch.commit();
  }

  void mdelete(std::span<const std::string_view> keys) {
    check_writable("mdelete");
    std::lock_guard turn(write_mutex_);
    auto connection = pool_->acquire();
    Transaction batch(*connection, Transaction::Kind::write);
    {
      Statement erase(*connection, sql_->erase);
      sql_->bind_scope(erase);
      for (std::string_view key : keys) {
        sql_->bind_key(erase, 1, key);
        erase.step();
        erase.reset();
      }
    }
    batch.commit();
  }

  // VACUUM rebuilds the file without the pages deletes freed; in WAL mode
  // the rebuilt pages go through the WAL, so a checkpoint then moves them
  // into the file and truncates the WAL. Both wait up to busy_timeout for
  // other connections and processes.
  void compact() {
    check_writable("compact");
    std::lock_guard turn(write_mutex_);
    auto connection = pool_->acquire();
    connection->execute("VACUUM", "cannot compact");
    if (!is_in_memory(options_.path))
      connection->execute("PRAGMA wal_checkpoint(TRUNCATE)", "cannot compact");
  }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<PrefixCursor>(pool_, sql_, prefix,
                                          static_cast<std::int64_t>(options_.page_size));
  }

 private:
  void check_writable(const char* operation) const {
    if (options_.read_only)
      throw Error(Errc::invalid_argument, std::string(operation) + " refused: " + options_.path +
                                              " was opened with read_only: true");
  }

  Options options_;
  std::shared_ptr<ConnectionPool> pool_;
  std::shared_ptr<const TableSql> sql_;
  std::mutex write_mutex_;  // one writer of this store at a time
  Capabilities capabilities_;
};

}  // namespace bytestore::sqlite

BYTESTORE_PLUGIN(bytestore::sqlite::SqliteBackend)
