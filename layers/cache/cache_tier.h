// Where the cache layer keeps what it caches: this process's memory
// (LruCache) or another configured store (StoreTier). Batch calls, so a
// store tier asks its store once per call.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bytestore::layers {

struct CacheLookup {
  bool hit = false;                  // false: ask the store beneath
  std::optional<std::string> value;  // with hit: the value, or none (a cached miss)
};

// (key, value) as the store beneath holds it; no value: it has none.
using CacheEntry = std::pair<std::string_view, std::optional<std::string_view>>;

class CacheTier {
 public:
  virtual ~CacheTier() = default;
  virtual std::vector<CacheLookup> find(std::span<const std::string_view> keys) = 0;
  // A write counter: fill() keeps values read after `since` only if no
  // write came in between, so a read racing a write never caches the old
  // value.
  virtual std::uint64_t writes() const = 0;
  virtual void fill(std::span<const CacheEntry> read, std::uint64_t since) = 0;
  // The store beneath now holds these.
  virtual void wrote(std::span<const CacheEntry> written) = 0;
  // What the store beneath holds for these is unknown (a write that failed).
  virtual void forget(std::span<const std::string_view> keys) = 0;
};

}  // namespace bytestore::layers
