// A third party's backend, built only against the installed package
// (bytestore::plugin_sdk and bytestore_add_plugin): keys in a sorted
// vector, a store that holds at most `capacity` keys.
#include <bytestore/plugin_sdk.hpp>

#include <algorithm>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace outside {

using bytestore::Errc;
using bytestore::Error;
namespace sdk = bytestore::sdk;

struct OutsideOptions {
  std::uint64_t capacity = 100'000;

  static constexpr std::array docs{
      sdk::OptionDoc{"capacity", "Most keys the store holds; at least 1."},
  };
};
BOOST_DESCRIBE_STRUCT(OutsideOptions, (), (capacity))

using Entry = std::pair<std::string, std::string>;

struct Shelf {
  std::mutex mutex;
  std::vector<Entry> entries;  // sorted by key

  std::vector<Entry>::iterator find(std::string_view key) {
    auto it = std::lower_bound(entries.begin(), entries.end(), key,
                               [](const Entry& e, std::string_view k) { return e.first < k; });
    return it != entries.end() && it->first == key ? it : entries.end();
  }
};

class OutsideCursor final : public sdk::Cursor {
 public:
  OutsideCursor(std::shared_ptr<Shelf> shelf, std::string prefix)
      : shelf_(std::move(shelf)), prefix_(std::move(prefix)) {}

  // The whole listing as one page.
  bool next(const sdk::KeySink& sink) override {
    std::vector<std::string> page;
    {
      std::lock_guard lock(shelf_->mutex);
      for (const Entry& e : shelf_->entries)
        if (e.first.starts_with(prefix_)) page.push_back(e.first);
    }
    for (const std::string& key : page) sink(key);
    return false;
  }

 private:
  std::shared_ptr<Shelf> shelf_;
  std::string prefix_;
};

class OutsideBackend {
 public:
  using Options = OutsideOptions;
  static constexpr const char* kName = "outside";
  static constexpr const char* kVersion = "0.0.1";
  static constexpr const char* kDescription = "A sorted vector, from outside the tree.";
  static constexpr bytestore::Capabilities kDefaultCapabilities{1024, 16 * 1024 * 1024, true, true,
                                                                false, false};

  static void check_options(const Options& options) {
    if (options.capacity == 0) throw Error(Errc::config, "capacity must be at least 1");
  }

  explicit OutsideBackend(const Options& options) : capacity_(options.capacity) {}

  bytestore::Capabilities capabilities() const { return kDefaultCapabilities; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    std::lock_guard lock(shelf_->mutex);
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (auto it = shelf_->find(keys[i]); it != shelf_->entries.end()) sink(i, it->second);
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    std::lock_guard lock(shelf_->mutex);
    // All or nothing: refuse before writing if the new keys would not fit.
    std::vector<std::string_view> added;
    for (const auto& pair : pairs)
      if (shelf_->find(pair.first) == shelf_->entries.end()) added.push_back(pair.first);
    std::sort(added.begin(), added.end());
    added.erase(std::unique(added.begin(), added.end()), added.end());
    if (shelf_->entries.size() + added.size() > capacity_)
      throw Error(Errc::limit_exceeded, "the store holds at most " + std::to_string(capacity_) + " keys");
    for (const auto& [key, value] : pairs) {
      auto& entries = shelf_->entries;
      auto it = std::lower_bound(entries.begin(), entries.end(), key,
                                 [](const Entry& e, std::string_view k) { return e.first < k; });
      if (it != entries.end() && it->first == key)
        it->second.assign(value);
      else
        entries.emplace(it, std::string(key), std::string(value));
    }
  }

  void mdelete(std::span<const std::string_view> keys) {
    std::lock_guard lock(shelf_->mutex);
    for (std::string_view key : keys)
      if (auto it = shelf_->find(key); it != shelf_->entries.end()) shelf_->entries.erase(it);
  }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<OutsideCursor>(shelf_, std::string(prefix));
  }

 private:
  std::uint64_t capacity_;
  std::shared_ptr<Shelf> shelf_ = std::make_shared<Shelf>();
};

}  // namespace outside

BYTESTORE_PLUGIN(outside::OutsideBackend)
