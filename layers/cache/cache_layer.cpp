// The `cache` layer: read-through, write-through, in this process's
// memory. Reads are answered from the cache when they can be and go to
// the store beneath for the rest; writes go to the store first and then
// update the cache, so the cache never holds what the store refused.
#include <bytestore/plugin_sdk.hpp>

#include <array>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "lru_cache.h"
#include "store_tier.h"

namespace bytestore::layers {

struct CacheOptions {
  sdk::ByteSize max_bytes{64 << 20};
  sdk::Duration ttl{0};
  std::string store;

  static constexpr std::array docs{
      sdk::OptionDoc{"max_bytes", "Memory the cache may hold (keys, values and per-entry "
                                  "overhead); least recently used entries go first."},
      sdk::OptionDoc{"ttl", "How long an entry is trusted (0: until evicted). Set it when other "
                            "processes write the same store; misses are cached only with it."},
      sdk::OptionDoc{"store", "Keep the cache in this store of the config (e.g. a local lmdb in "
                              "front of astra) instead of memory; max_bytes then does not apply.",
                     sdk::kStore},
  };
};
BOOST_DESCRIBE_STRUCT(CacheOptions, (), (max_bytes, ttl, store))

class CacheLayer {
 public:
  using Options = CacheOptions;
  static constexpr const char* kName = "cache";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "Layer: read-through, write-through cache in memory, LRU by bytes, optional ttl.";
  static constexpr Capabilities kDefaultCapabilities{};

  static void check_options(const Options& options) {
    if (options.max_bytes.bytes < LruCache::kEntryOverhead)
      throw Error(Errc::config, "max_bytes must be at least " + std::to_string(LruCache::kEntryOverhead) +
                                    "B, the cost of one entry");
  }

  CacheLayer(const Options& options, sdk::InnerStore inner) : inner_(inner) {
    const auto ttl = options.ttl.count() > 0 ? std::optional(options.ttl) : std::nullopt;
    if (options.store.empty()) {
      cache_ = std::make_unique<LruCache>(options.max_bytes.bytes, ttl);
      return;
    }
    const std::optional<sdk::InnerStore> tier = inner.store_for("store");
    if (!tier) throw Error(Errc::config, "the host did not hand over store '" + options.store + "'");
    cache_ = std::make_unique<StoreTier>(*tier, ttl);
  }

  // Writes go through, so the store beneath's guarantees hold.
  Capabilities capabilities() const { return inner_.capabilities(); }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    const std::vector<CacheLookup> cached = cache_->find(keys);
    std::vector<std::size_t> missed;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!cached[i].hit) {
        missed.push_back(i);
      } else if (cached[i].value) {
        sink(i, *cached[i].value);
      }
    }
    if (missed.empty()) return;
    std::vector<std::string_view> asked;
    asked.reserve(missed.size());
    for (std::size_t i : missed) asked.push_back(keys[i]);
    const std::uint64_t since = cache_->writes();
    std::vector<std::optional<std::string>> values(asked.size());
    inner_.mget(asked, [&](std::size_t j, std::string_view value) {
      values[j].emplace(value);
      sink(missed[j], value);
    });
    std::vector<CacheEntry> read;
    read.reserve(asked.size());
    for (std::size_t j = 0; j < asked.size(); ++j)
      read.emplace_back(asked[j], values[j] ? std::optional<std::string_view>(*values[j]) : std::nullopt);
    cache_->fill(read, since);
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    std::vector<std::string_view> keys;
    std::vector<CacheEntry> written;
    for (const auto& [key, value] : pairs) {
      keys.push_back(key);
      written.emplace_back(key, value);
    }
    try {
      inner_.mset(pairs);
    } catch (...) {
      cache_->forget(keys);  // some may have been written
      throw;
    }
    cache_->wrote(written);  // in order: a repeated key ends with its last value
  }

  void mdelete(std::span<const std::string_view> keys) {
    try {
      inner_.mdelete(keys);
    } catch (...) {
      cache_->forget(keys);
      throw;
    }
    std::vector<CacheEntry> gone;
    for (std::string_view key : keys) gone.emplace_back(key, std::nullopt);
    cache_->wrote(gone);
  }

  // Listing is the store's own: keys are not cached.
  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<sdk::ForwardingCursor>(inner_.scan(prefix));
  }

 private:
  sdk::InnerStore inner_;
  std::unique_ptr<CacheTier> cache_;
};

}  // namespace bytestore::layers

BYTESTORE_PLUGIN(bytestore::layers::CacheLayer)
