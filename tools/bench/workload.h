// The data every benchmark works on, identical for a ByteStore and its raw
// engine: key names, values, the prefill, and pools of requests built
// before timing starts (so the timed loop only calls the engine).
#pragma once

#include <bytestore/byte_store.hpp>

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bytestore::bench {

// Each value size has its own key set, so a read returns values of one size.
enum class ValueSize : std::size_t { small = 100, medium = 4 * 1024, large = 256 * 1024 };

inline constexpr ValueSize kValueSizes[] = {ValueSize::small, ValueSize::medium, ValueSize::large};

inline std::size_t bytes_of(ValueSize size) { return static_cast<std::size_t>(size); }

// Keys of the small set: $BYTESTORE_BENCH_KEYS, default 1,000,000.
std::size_t small_key_count();
// Keys present in the set of `size`: the larger values get fewer keys so
// the prefill stays near 64 MiB per set.
std::size_t key_count(ValueSize size);

// The key at `index` of the set of `size`; `present` false gives a key of
// the same shape that is never written.
std::string key_name(ValueSize size, std::size_t index, bool present = true);
bool is_present_key(std::string_view key);

// A prefix matching 1% of the small set, and how many keys it matches.
std::string_view scan_prefix();
std::size_t keys_with_scan_prefix();

// `bytes` of deterministic noise: values no engine could shortcut.
std::string value_of(std::size_t bytes, unsigned seed);

using GetBatch = std::vector<std::string>;
using SetBatch = std::vector<KeyValue>;

// Requests of `batch` random keys of the set of `size`, `hit_percent` of
// them present. Built once per (arguments, lane) and kept for the process;
// `lane` is the benchmark thread, so threads do not read the same keys.
const std::vector<GetBatch>& get_batches(ValueSize size, std::size_t batch, int hit_percent,
                                         int lane);
// Writes of `batch` random present keys of the set of `size`: overwrites
// with values of the same size, so the stores keep their shape.
const std::vector<SetBatch>& set_batches(ValueSize size, std::size_t batch, int lane);

// Writes every key set of `sizes` through `mset`, in batches, each value
// made by `value_for(size)` (default: value_of(bytes, 0)).
template <class Write, class Value>
void prefill(Write&& mset, std::span<const ValueSize> sizes, Value&& value_for) {
  for (ValueSize size : sizes) {
    const std::string value = value_for(size);
    const std::size_t per_batch = size == ValueSize::small ? 10'000 : 64;
    SetBatch batch;
    for (std::size_t i = 0; i < key_count(size); ++i) {
      batch.emplace_back(key_name(size, i), value);
      if (batch.size() == per_batch) {
        mset(std::as_const(batch));
        batch.clear();
      }
    }
    if (!batch.empty()) mset(std::as_const(batch));
  }
}

template <class Write>
void prefill(Write&& mset, std::span<const ValueSize> sizes = kValueSizes) {
  prefill(mset, sizes, [](ValueSize size) { return value_of(bytes_of(size), 0); });
}

}  // namespace bytestore::bench
