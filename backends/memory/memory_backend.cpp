// The `memory` backend: an ordered map in the process, guarded by a
// reader-writer lock. Batches are atomic (one lock hold); nothing persists.
#include <bytestore/plugin_sdk.hpp>

#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>

namespace bytestore::memory {

struct MemoryOptions {
  sdk::ByteSize max_key_bytes{64 * 1024};
  sdk::ByteSize max_value_bytes{256 * 1024 * 1024};
  std::uint64_t page_size = 512;

  static constexpr std::array docs{
      sdk::OptionDoc{"max_key_bytes", "Longest key accepted."},
      sdk::OptionDoc{"max_value_bytes", "Largest value accepted."},
      sdk::OptionDoc{"page_size", "Keys per page when listing."},
  };
};
BOOST_DESCRIBE_STRUCT(MemoryOptions, (), (max_key_bytes, max_value_bytes, page_size))

// The map and its lock, shared with open cursors.
struct Table {
  std::shared_mutex mutex;
  std::map<std::string, std::string, std::less<>> entries;
};

class MemoryCursor final : public sdk::Cursor {
 public:
  MemoryCursor(std::shared_ptr<Table> table, std::string prefix, std::size_t page_size)
      : table_(std::move(table)), prefix_(std::move(prefix)), page_size_(page_size) {}

  bool next(const sdk::KeySink& sink) override {
    std::shared_lock lock(table_->mutex);
    // Resume after the last key sent, so writes between pages are fine.
    auto it = started_ ? table_->entries.upper_bound(last_) : table_->entries.lower_bound(prefix_);
    started_ = true;
    for (std::size_t n = 0; n < page_size_; ++n, ++it) {
      if (it == table_->entries.end() || !it->first.starts_with(prefix_)) return false;
      sink(it->first);
      last_ = it->first;
    }
    return true;
  }

 private:
  std::shared_ptr<Table> table_;
  std::string prefix_;
  std::size_t page_size_;
  std::string last_;
  bool started_ = false;
};

class MemoryBackend {
 public:
  using Options = MemoryOptions;
  static constexpr const char* kName = "memory";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "In-process ordered map: fast, thread-safe, atomic batches, gone when closed.";
  static constexpr Capabilities kDefaultCapabilities{64 * 1024, 256 * 1024 * 1024, true, true,
                                                     false, false};

  explicit MemoryBackend(const Options& options) : options_(options) {
    if (options.page_size == 0) throw Error(Errc::config, "page_size must be at least 1");
    if (options.max_key_bytes.bytes == 0) throw Error(Errc::config, "max_key_bytes must be at least 1");
  }

  Capabilities capabilities() const {
    Capabilities caps = kDefaultCapabilities;
    caps.max_key_bytes = options_.max_key_bytes.bytes;
    caps.max_value_bytes = options_.max_value_bytes.bytes;
    return caps;
  }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    std::shared_lock lock(table_->mutex);
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (auto it = table_->entries.find(keys[i]); it != table_->entries.end()) sink(i, it->second);
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    std::unique_lock lock(table_->mutex);
    for (const auto& [key, value] : pairs) table_->entries.insert_or_assign(std::string(key), value);
  }

  void mdelete(std::span<const std::string_view> keys) {
    std::unique_lock lock(table_->mutex);
    for (std::string_view key : keys)
      if (auto it = table_->entries.find(key); it != table_->entries.end()) table_->entries.erase(it);
  }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<MemoryCursor>(table_, std::string(prefix), options_.page_size);
  }

 private:
  Options options_;
  std::shared_ptr<Table> table_ = std::make_shared<Table>();
};

}  // namespace bytestore::memory

BYTESTORE_PLUGIN(bytestore::memory::MemoryBackend)
