// The `lmdb` backend: keys and values in one LMDB database, the fastest
// local store. Reads are memory-mapped and never block writes; each batch
// is one write transaction, all-or-nothing, and survives a killed process.
#include <bytestore/plugin_sdk.hpp>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "environment.h"
#include "lmdb_options.h"
#include "prefix_cursor.h"
#include "transaction.h"

namespace bytestore::lmdb {

class LmdbBackend {
 public:
  using Options = LmdbOptions;
  static constexpr const char* kName = "lmdb";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "LMDB: memory-mapped, ordered, atomic batches, crash-proof; local and read-heavy.";
  // LMDB keeps a value's size in its overflow-page count (32 bits of pages),
  // far above this; 4 GiB - 1 is what every build of LMDB can hold.
  static constexpr std::uint64_t kMaxValueBytes = 0xFFFFFFFFu;
  static constexpr Capabilities kDefaultCapabilities{511, kMaxValueBytes, true, true, true, false};

  // Run by the SDK before every open, and by `config check`.
  static void check_options(const Options& options) {
    if (options.path.empty()) throw Error(Errc::config, "option 'path' must not be empty");
    if (options.max_readers == 0) throw Error(Errc::config, "max_readers must be at least 1");
    if (options.page_size == 0) throw Error(Errc::config, "page_size must be at least 1");
  }

  // The environment's directory (or data file) and whether its data file
  // exists; nothing is created.
  static sdk::Location locate(const Options& options) {
    namespace fs = std::filesystem;
    std::error_code ec;
    const fs::path path = fs::absolute(options.path, ec).lexically_normal();
    const fs::path data = options.subdir ? path / "data.mdb" : path;
    return {path.string(), fs::exists(data, ec) ? sdk::Location::Data::present : sdk::Location::Data::absent};
  }

  explicit LmdbBackend(const Options& options)
      : environment_(Environment::open(options)),
        read_only_(options.read_only),
        page_size_(options.page_size) {}

  Capabilities capabilities() const {
    Capabilities caps = kDefaultCapabilities;
    caps.max_key_bytes = environment_->max_key_bytes();
    return caps;
  }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    for (std::string_view key : keys) check_key(key);
    environment_->read([&](MDB_txn* txn, MDB_dbi dbi) {
      for (std::size_t i = 0; i < keys.size(); ++i) {
        MDB_val key = to_val(keys[i]);
        MDB_val value;
        const int rc = mdb_get(txn, dbi, &key, &value);
        if (rc == MDB_NOTFOUND) continue;
        if (rc != MDB_SUCCESS) return rc;
        sink(i, to_view(value));
      }
      return MDB_SUCCESS;
    });
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    check_writable("mset");
    std::size_t batch_bytes = 0;
    for (const auto& [key, value] : pairs) {
      check_key(key);
      batch_bytes += key.size() + value.size();
    }
    // Puts in request order, so a repeated key ends with its last value.
    environment_->write(batch_bytes, [&](MDB_txn* txn, MDB_dbi dbi) {
      for (const auto& [key_bytes, value_bytes] : pairs) {
        MDB_val key = to_val(key_bytes);
        MDB_val value = to_val(value_bytes);
        if (const int rc = mdb_put(txn, dbi, &key, &value, 0); rc != MDB_SUCCESS) return rc;
      }
      return MDB_SUCCESS;
    });
  }

  void mdelete(std::span<const std::string_view> keys) {
    check_writable("mdelete");
    for (std::string_view key : keys) check_key(key);
    environment_->write(0, [&](MDB_txn* txn, MDB_dbi dbi) {
      for (std::string_view key_bytes : keys) {
        MDB_val key = to_val(key_bytes);
        const int rc = mdb_del(txn, dbi, &key, nullptr);
        if (rc != MDB_SUCCESS && rc != MDB_NOTFOUND) return rc;
      }
      return MDB_SUCCESS;
    });
  }

  void compact() {
    check_writable("compact");
    environment_->compact();
  }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<PrefixCursor>(environment_, std::string(prefix), page_size_);
  }

 private:
  // The host checks keys too; LMDB would refuse these with a bare
  // MDB_BAD_VALSIZE, so say which limit and never write part of a batch.
  void check_key(std::string_view key) const {
    if (key.empty()) throw Error(Errc::invalid_argument, "empty keys are not allowed");
    if (key.size() > environment_->max_key_bytes())
      throw Error(Errc::limit_exceeded,
                  "key of " + std::to_string(key.size()) + " bytes exceeds the " +
                      std::to_string(environment_->max_key_bytes()) +
                      "-byte limit of this engine");
  }

  // As the sqlite backend: a write to a read-only store is the caller's
  // mistake, invalid_argument.
  void check_writable(const char* operation) const {
    if (read_only_ || environment_->read_only())
      throw Error(Errc::invalid_argument, std::string(operation) + " refused: " +
                                              environment_->path() + " was opened with read_only: true");
  }

  std::shared_ptr<Environment> environment_;
  bool read_only_;
  std::uint64_t page_size_;
};

}  // namespace bytestore::lmdb

BYTESTORE_PLUGIN(bytestore::lmdb::LmdbBackend)
