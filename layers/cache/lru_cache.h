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

namespace bytestore::layers {

class LruCache {
 public:
  using Clock = std::chrono::steady_clock;
  // What one entry costs beyond its key and value: the list node, the map
  // node and their bookkeeping, rounded up (measured with glibc on x86-64).
  static constexpr std::size_t kEntryOverhead = 160;

  LruCache(std::size_t max_bytes, std::optional<Clock::duration> ttl);

  struct Lookup {
    bool hit = false;                // false: ask the store beneath
    std::optional<std::string> value;  // with hit: the value, or none (a cached miss)
  };
  Lookup find(std::string_view key);

  // A write counter: fill() takes values read after `since` only if no
  // write came in between, so a read racing a write never caches the old
  // value.
  std::uint64_t writes() const;
  void fill(std::string_view key, std::optional<std::string_view> value, std::uint64_t since);

  // The store beneath now holds `value` for `key` (none: deleted).
  void wrote(std::string_view key, std::optional<std::string_view> value);
  // What the store holds for `key` is unknown (a write that failed).
  void forget(std::string_view key);

  std::size_t bytes() const;    // the memory accounted, at most max_bytes
  std::size_t entries() const;

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
