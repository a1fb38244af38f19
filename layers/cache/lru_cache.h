// The cache layer's memory: values by key, least recently used first out,
// bounded by bytes. Thread-safe. Entries may expire (a ttl) and may record
// that a key has no value (only with a ttl: a miss cached forever would
// hide other processes' writes).
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cache_tier.h"

namespace bytestore::layers {

class LruCache final : public CacheTier {
 public:
  using Clock = std::chrono::steady_clock;
  // What one entry costs beyond its key and value: the list node, the map
  // node, its share of the bucket array and the allocator's rounding,
  // rounded up from what the benchmark measured with glibc on x86-64
  // (172 to 214 bytes, docs/BENCHMARKS.md).
  static constexpr std::size_t kEntryOverhead = 224;

  LruCache(std::size_t max_bytes, std::optional<Clock::duration> ttl);

  using Lookup = CacheLookup;
  Lookup find(std::string_view key);

  std::uint64_t writes() const override;
  void fill(std::string_view key, std::optional<std::string_view> value, std::uint64_t since);

  // The store beneath now holds `value` for `key` (none: deleted).
  void wrote(std::string_view key, std::optional<std::string_view> value);
  // What the store holds for `key` is unknown (a write that failed).
  void forget(std::string_view key);

  std::size_t bytes() const;    // the memory accounted, at most max_bytes
  std::size_t entries() const;

  // CacheTier: the same, for a batch.
  std::vector<CacheLookup> find(std::span<const std::string_view> keys) override;
  void fill(std::span<const CacheEntry> read, std::uint64_t since) override;
  void wrote(std::span<const CacheEntry> written) override;
  void forget(std::span<const std::string_view> keys) override;

 private:
  struct Entry {
    std::string key;
    std::optional<std::string> value;
    Clock::time_point expires;
  };
  using Order = std::list<Entry>;  // most recently used first

  static std::size_t cost(const Entry& e) {
    return kEntryOverhead + e.key.size() + (e.value ? e.value->size() : 0);
  }
  void put_locked(std::string_view key, std::optional<std::string_view> value);
  void erase_locked(Order::iterator it);

  const std::size_t max_bytes_;
  const std::optional<Clock::duration> ttl_;
  mutable std::mutex mutex_;
  Order order_;
  std::unordered_map<std::string_view, Order::iterator> index_;  // views of order_'s keys
  std::size_t bytes_ = 0;
  std::uint64_t writes_ = 0;
};

}  // namespace bytestore::layers
