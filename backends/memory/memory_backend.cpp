// The `memory` backend: a hash map in the process with an ordered index of
// its keys, guarded by a reader-writer lock. Batches are atomic (one lock
// hold); nothing persists.
#include <bytestore/plugin_sdk.hpp>

#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>

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

// Lets the hash map be searched with a string_view, without building a key.
struct KeyHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view key) const noexcept {
    return std::hash<std::string_view>{}(key);
  }
};

// The entries and their lock, shared with open cursors.
//
// Point reads and writes take one hash lookup; only listing needs order, so
// `order` holds views of the map's keys, sorted. The views stay valid
// because an unordered_map never moves its nodes, even when it rehashes.
// An overwrite touches the map alone; inserts and erases keep both in step.
struct Table {
  std::shared_mutex mutex;
  std::unordered_map<std::string, std::string, KeyHash, std::equal_to<>> entries;
  std::set<std::string_view> order;
};

class MemoryCursor final : public sdk::Cursor {
 public:
  MemoryCursor(std::shared_ptr<Table> table, std::string prefix, std::size_t page_size)
      : table_(std::move(table)), prefix_(std::move(prefix)), page_size_(page_size) {}

  bool next(const sdk::KeySink& sink) override {
    std::shared_lock lock(table_->mutex);
    // Resume after the last key sent, so writes between pages are fine.
    const std::set<std::string_view>& order = table_->order;
    auto it = started_ ? order.upper_bound(last_) : order.lower_bound(prefix_);
    started_ = true;
    for (std::size_t n = 0; n < page_size_; ++n, ++it) {
      if (it == order.end() || !it->starts_with(prefix_)) return false;
      sink(*it);
      last_ = *it;
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
      "In-process hash map with ordered listing: fast, thread-safe, atomic batches, gone when "
      "closed.";
  static constexpr Capabilities kDefaultCapabilities{64 * 1024, 256 * 1024 * 1024, true, true,
                                                     false, false};

  // Run by the SDK before every open, and by `config check`.
  static void check_options(const Options& options) {
    if (options.page_size == 0) throw Error(Errc::config, "page_size must be at least 1");
    if (options.max_key_bytes.bytes == 0) throw Error(Errc::config, "max_key_bytes must be at least 1");
  }

  // Nowhere on disk: the data lives and ends with the process.
  static sdk::Location locate(const Options&) {
    return {"memory of this process (gone when it ends)", sdk::Location::Data::unknown};
  }

  explicit MemoryBackend(const Options& options) : options_(options) {}

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
    for (const auto& [key, value] : pairs) {
      if (auto it = table_->entries.find(key); it != table_->entries.end()) {
        it->second.assign(value);  // reuses the old value's buffer when it fits
        continue;
      }
      auto inserted = table_->entries.emplace(key, value).first;
      try {
        table_->order.insert(inserted->first);
      } catch (...) {
        table_->entries.erase(inserted);  // never a key the listing cannot see
        throw;
      }
    }
  }

  void mdelete(std::span<const std::string_view> keys) {
    std::unique_lock lock(table_->mutex);
    for (std::string_view key : keys) {
      if (auto it = table_->entries.find(key); it != table_->entries.end()) {
        table_->order.erase(it->first);
        table_->entries.erase(it);
      }
    }
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
