#include "workload.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <tuple>

namespace bytestore::bench {
namespace {

constexpr std::size_t kDefaultKeys = 1'000'000;
// Keys the small set spreads over: scan_prefix() names one group of them.
constexpr std::size_t kGroups = 100;
// A request pool covers this many keys, so the batches of one benchmark
// touch far more of the store than the cache holds.
constexpr std::size_t kPoolKeys = 64 * 1024;
// Write pools are bounded in bytes: each pair owns its value.
constexpr std::size_t kPoolBytes = 16 * 1024 * 1024;

const char* set_tag(ValueSize size) {
  switch (size) {
    case ValueSize::small: return "s";
    case ValueSize::medium: return "m";
    case ValueSize::large: return "l";
  }
  return "?";
}

std::size_t batches_for(std::size_t batch, std::size_t bytes_per_key) {
  const std::size_t by_keys = kPoolKeys / batch;
  const std::size_t by_bytes = kPoolBytes / (batch * bytes_per_key);
  return std::max<std::size_t>(1, std::min(by_keys, by_bytes));
}

std::mt19937_64 generator_for(ValueSize size, std::size_t batch, int hit_percent, int lane) {
  std::seed_seq seed{static_cast<unsigned>(size), static_cast<unsigned>(batch),
                     static_cast<unsigned>(hit_percent), static_cast<unsigned>(lane)};
  return std::mt19937_64(seed);
}

// Pools live for the process, handed out by reference: a map of
// unique_ptrs keeps them in place while others are added.
template <class Pool>
class PoolCache {
 public:
  template <class Build>
  const Pool& get(const std::tuple<ValueSize, std::size_t, int, int>& key, Build&& build) {
    std::lock_guard lock(mutex_);
    auto& slot = pools_[key];
    if (!slot) slot = std::make_unique<Pool>(build());
    return *slot;
  }

 private:
  std::mutex mutex_;
  std::map<std::tuple<ValueSize, std::size_t, int, int>, std::unique_ptr<Pool>> pools_;
};

}  // namespace

std::size_t small_key_count() {
  static const std::size_t count = [] {
    const char* text = std::getenv("BYTESTORE_BENCH_KEYS");
    if (!text || !*text) return kDefaultKeys;
    char* end = nullptr;
    const unsigned long long n = std::strtoull(text, &end, 10);
    if (*end != '\0' || n < kGroups)
      throw std::invalid_argument("BYTESTORE_BENCH_KEYS must be a whole number of at least 100");
    return static_cast<std::size_t>(n);
  }();
  return count;
}

std::size_t key_count(ValueSize size) {
  const std::size_t small = small_key_count();
  switch (size) {
    case ValueSize::small: return small;
    case ValueSize::medium: return std::min<std::size_t>(small, 16 * 1024);
    case ValueSize::large: return std::clamp<std::size_t>(small / 100, 16, 256);
  }
  return 0;
}

std::string key_name(ValueSize size, std::size_t index, bool present) {
  // Absent keys sort among the present ones, so a miss walks the same tree.
  char text[48];
  const int n = std::snprintf(text, sizeof text, "%s%02zu/%s%08zu", set_tag(size), index % kGroups,
                              present ? "" : "x", index);
  return std::string(text, static_cast<std::size_t>(n));
}

bool is_present_key(std::string_view key) {
  return key.size() > 4 && key[4] != 'x';
}

std::string_view scan_prefix() { return "s07/"; }

std::size_t keys_with_scan_prefix() {
  const std::size_t n = small_key_count();
  return n / kGroups + (n % kGroups > 7 ? 1 : 0);
}

std::string value_of(std::size_t bytes, unsigned seed) {
  std::mt19937 noise(seed);
  std::string value(bytes, '\0');
  for (char& c : value) c = static_cast<char>(noise());
  return value;
}

const std::vector<GetBatch>& get_batches(ValueSize size, std::size_t batch, int hit_percent,
                                         int lane) {
  static PoolCache<std::vector<GetBatch>> cache;
  return cache.get({size, batch, hit_percent, lane}, [&] {
    auto random = generator_for(size, batch, hit_percent, lane);
    std::uniform_int_distribution<std::size_t> pick(0, key_count(size) - 1);
    std::uniform_int_distribution<int> percent(0, 99);
    std::vector<GetBatch> pool(batches_for(batch, 64));
    for (GetBatch& keys : pool) {
      keys.reserve(batch);
      for (std::size_t i = 0; i < batch; ++i)
        keys.push_back(key_name(size, pick(random), percent(random) < hit_percent));
    }
    return pool;
  });
}

const std::vector<SetBatch>& set_batches(ValueSize size, std::size_t batch, int lane) {
  static PoolCache<std::vector<SetBatch>> cache;
  return cache.get({size, batch, 100, lane}, [&] {
    auto random = generator_for(size, batch, 100, lane);
    std::uniform_int_distribution<std::size_t> pick(0, key_count(size) - 1);
    const std::string value = value_of(bytes_of(size), 1 + static_cast<unsigned>(lane));
    std::vector<SetBatch> pool(batches_for(batch, bytes_of(size)));
    for (SetBatch& pairs : pool) {
      pairs.reserve(batch);
      for (std::size_t i = 0; i < batch; ++i)
        pairs.emplace_back(key_name(size, pick(random)), value);
    }
    return pool;
  });
}

}  // namespace bytestore::bench
