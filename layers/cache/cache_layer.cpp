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

namespace bytestore::layers {

struct CacheOptions {
  sdk::ByteSize max_bytes{64 << 20};
  sdk::Duration ttl{0};

  static constexpr std::array docs{
      sdk::OptionDoc{"max_bytes", "Memory the cache may hold (keys, values and per-entry "
                                  "overhead); least recently used entries go first."},
      sdk::OptionDoc{"ttl", "How long an entry is trusted (0: until evicted). Set it when other "
                            "processes write the same store; misses are cached only with it."},
  };
};
BOOST_DESCRIBE_STRUCT(CacheOptions, (), (max_bytes, ttl))

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

  CacheLayer(const Options& options, sdk::InnerStore inner)
      : inner_(inner),
        cache_(options.max_bytes.bytes,
               options.ttl.count() > 0 ? std::optional<LruCache::Clock::duration>(options.ttl)
                                       : std::nullopt) {}

  // Writes go through, so the store beneath's guarantees hold.
  Capabilities capabilities() const { return inner_.capabilities(); }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    std::vector<std::size_t> missed;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const LruCache::Lookup found = cache_.find(keys[i]);
      if (!found.hit) {
        missed.push_back(i);
      } else if (found.value) {
        sink(i, *found.value);
      }
    }
    if (missed.empty()) return;
    std::vector<std::string_view> asked;
    asked.reserve(missed.size());
    for (std::size_t i : missed) asked.push_back(keys[i]);
    const std::uint64_t since = cache_.writes();
    std::vector<bool> answered(asked.size(), false);
    inner_.mget(asked, [&](std::size_t j, std::string_view value) {
      answered[j] = true;
      cache_.fill(asked[j], value, since);
      sink(missed[j], value);
    });
    for (std::size_t j = 0; j < asked.size(); ++j)
      if (!answered[j]) cache_.fill(asked[j], std::nullopt, since);
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    try {
      inner_.mset(pairs);
    } catch (...) {
      for (const auto& [key, value] : pairs) cache_.forget(key);  // some may have been written
      throw;
    }
    for (const auto& [key, value] : pairs) cache_.wrote(key, value);  // in order: the last wins
  }

  void mdelete(std::span<const std::string_view> keys) {
    try {
      inner_.mdelete(keys);
    } catch (...) {
      for (std::string_view key : keys) cache_.forget(key);
      throw;
    }
    for (std::string_view key : keys) cache_.wrote(key, std::nullopt);
  }

  // Listing is the store's own: keys are not cached.
  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<sdk::ForwardingCursor>(inner_.scan(prefix));
  }

 private:
  sdk::InnerStore inner_;
  LruCache cache_;
};

}  // namespace bytestore::layers

BYTESTORE_PLUGIN(bytestore::layers::CacheLayer)
