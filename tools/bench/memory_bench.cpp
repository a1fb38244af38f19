// The memory backend against a bare map behind a reader-writer lock.
//
// The bare map is a std::unordered_map. It has no order, so listing a
// prefix would scan every key: yield_keys runs against a bare std::map
// instead.
#include <bytestore/bytestore.hpp>

#include <map>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include "engine.h"
#include "suite.h"

namespace bytestore::bench {
namespace {

template <class Map>
class LockedMap {
 public:
  Values mget(int, std::span<const std::string> keys) {
    Values values(keys.size());
    std::shared_lock lock(mutex_);
    for (std::size_t i = 0; i < keys.size(); ++i)
      if (auto it = map_.find(keys[i]); it != map_.end()) values[i].emplace(it->second);
    return values;
  }

  void mset(int, std::span<const KeyValue> pairs) {
    std::unique_lock lock(mutex_);
    for (const auto& [key, value] : pairs) map_.insert_or_assign(key, value);
  }

  std::size_t count_keys(int, std::string_view prefix) requires requires(Map m) {
    m.lower_bound(std::string());
  }
  {
    std::size_t count = 0;
    std::string key;
    std::shared_lock lock(mutex_);
    for (auto it = map_.lower_bound(std::string(prefix));
         it != map_.end() && it->first.starts_with(prefix); ++it) {
      key = it->first;
      count += key.empty() ? 0 : 1;
    }
    return count;
  }

  // An unordered map can only list by visiting every key; never timed.
  std::size_t count_keys(int, std::string_view prefix) {
    std::size_t count = 0;
    std::shared_lock lock(mutex_);
    for (const auto& entry : map_) count += entry.first.starts_with(prefix) ? 1 : 0;
    return count;
  }

 private:
  std::shared_mutex mutex_;
  Map map_;
};

using BareHashMap = LockedMap<std::unordered_map<std::string, std::string>>;
using BareOrderedMap = LockedMap<std::map<std::string, std::string, std::less<>>>;

const bool registered = [] {
  static SharedEngine<ByteStoreEngine> full([] {
    return std::make_unique<ByteStoreEngine>(
        open_yaml("default: bench\nstores:\n  bench: { backend: memory }\n"));
  });
  static SharedEngine<BareHashMap> raw([] { return std::make_unique<BareHashMap>(); });
  static SharedEngine<BareOrderedMap> raw_ordered(
      [] { return std::make_unique<BareOrderedMap>(); });
  register_suite("Memory", full, raw, raw_ordered);
  return true;
}();

}  // namespace
}  // namespace bytestore::bench
