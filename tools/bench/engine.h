// What a benchmark drives: an engine answering the same three calls,
// whether it is a ByteStore (full stack) or an engine's raw API.
//
// Both sides take the same inputs and hand back the same thing the caller
// of ByteStore gets: owned copies of the values, one optional per key.
// `lane` is the benchmark thread (0 or 1); raw engines that keep state per
// thread, as a hand-written program would, index it by lane.
#pragma once

#include <bytestore/bytestore.hpp>

#include <concepts>
#include <cstddef>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bytestore::bench {

using Values = std::vector<std::optional<std::string>>;

template <class E>
concept Engine = requires(E& e, int lane, std::span<const std::string> keys,
                          std::span<const KeyValue> pairs, std::string_view prefix) {
  { e.mget(lane, keys) } -> std::same_as<Values>;
  e.mset(lane, pairs);
  // Lists the keys starting with `prefix`, each as an owned string.
  { e.count_keys(lane, prefix) } -> std::same_as<std::size_t>;
};

// The full stack: config, plugin, C ABI and back.
class ByteStoreEngine {
 public:
  explicit ByteStoreEngine(std::unique_ptr<ByteStore> store) : store_(std::move(store)) {}

  Values mget(int, std::span<const std::string> keys) { return store_->mget(keys); }
  void mset(int, std::span<const KeyValue> pairs) { store_->mset(pairs); }
  std::size_t count_keys(int, std::string_view prefix) {
    std::size_t count = 0;
    for (const std::string& key : store_->yield_keys(prefix)) count += key.empty() ? 0 : 1;
    return count;
  }

 private:
  std::unique_ptr<ByteStore> store_;
};

}  // namespace bytestore::bench
