// The cache layer (in memory) in front of the astra backend and the local
// Data API server with 20 ms added to every request: an mget of 100 keys
// the cache holds against the same mget through the bare astra store,
//   BM_Layer_Astra_Cache_Mget/Cached/keys:100/latency_ms:20  then  .../Uncached/...
// counting the server's requests (a cached read that sends any is an
// error); and the memory the cache takes against its max_bytes, measured
// on the heap:
//   BM_Layer_Memory_Cache_Bound/max_bytes:1048576/entries_written:20000
#include <benchmark/benchmark.h>

#include <bytestore/bytestore.hpp>
#include <bytestore/metrics.hpp>

#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "local_data_api_server.h"
#include "lru_cache.h"  // LruCache::kEntryOverhead, what the cache accounts per entry
#include "workload.h"

namespace bytestore::bench {
namespace {

namespace json = boost::json;
using layers::LruCache;

constexpr std::size_t kKeys = 100;
constexpr std::size_t kValueBytes = 100;  // as the Astra suite
constexpr int kLatencyMs = 20;
constexpr std::size_t kAstraCacheBytes = 64 << 20;

// Bytes of the heap in use, every arena, small and mmapped chunks.
std::size_t heap_in_use() {
  const struct mallinfo2 info = mallinfo2();
  return info.uordblks + info.hblkhd;
}

std::size_t accounted(const std::string& key, std::size_t value_bytes) {
  return LruCache::kEntryOverhead + key.size() + value_bytes;
}

struct AstraCacheRig {
  testing::LocalDataApiServer server{BYTESTORE_DATA_API_SERVER};
  std::unique_ptr<ByteStore> cached = open("[ { layer: cache, max_bytes: " +
                                           std::to_string(kAstraCacheBytes) + " } ]");
  std::unique_ptr<ByteStore> bare = open("");
  std::vector<std::string> keys;
  std::vector<KeyValue> pairs;
  std::size_t heap_retained = 0;  // by the read that filled the cache
  std::size_t accounted_bytes = 0;

  AstraCacheRig() {
    for (std::size_t i = 0; i < kKeys; ++i) {
      keys.push_back(key_name(ValueSize::small, i));
      pairs.emplace_back(keys.back(), value_of(kValueBytes, static_cast<unsigned>(i)));
      accounted_bytes += accounted(keys.back(), kValueBytes);
    }
    server.command("default_keyspace/cache_bench", {{"deleteMany", {{"filter", json::object{}}}}});
    bare->mset(pairs);
    // 100 other keys read through first, so the client's connections and
    // buffers have served an answer of this size before the heap is
    // measured; the cache then holds them too.
    std::vector<KeyValue> others;
    std::vector<std::string> other_keys;
    for (std::size_t i = 0; i < kKeys; ++i) {
      other_keys.push_back(key_name(ValueSize::small, kKeys + i));
      others.emplace_back(other_keys.back(), value_of(kValueBytes, static_cast<unsigned>(kKeys + i)));
    }
    bare->mset(others);
    (void)cached->mget(other_keys);
    const std::size_t before = heap_in_use();
    check(cached->mget(keys));  // read through: every key misses once, and is kept
    heap_retained = heap_in_use() - before;
  }

  // Throws unless `values` are the values written.
  void check(const std::vector<std::optional<std::string>>& values) const {
    if (values.size() != kKeys) throw std::runtime_error("wrong number of answers");
    for (std::size_t i = 0; i < kKeys; ++i)
      if (values[i] != pairs[i].second) throw std::runtime_error("wrong value for " + keys[i]);
  }

 private:
  std::unique_ptr<ByteStore> open(const std::string& layers) const {
    std::string yaml = "stores:\n  s:\n    backend: astra\n    api_endpoint: " + server.endpoint() +
                       "\n    token: " + testing::LocalDataApiServer::kToken +
                       "\n    keyspace: default_keyspace\n    collection_name: cache_bench\n";
    if (!layers.empty()) yaml += "    layers: " + layers + "\n";
    return open_yaml(yaml, "s");
  }
};

AstraCacheRig& astra_rig() {
  static AstraCacheRig rig;
  return rig;
}

void BM_AstraCacheMget(benchmark::State& state, bool cached) {
  try {
    AstraCacheRig& rig = astra_rig();
    ByteStore& store = cached ? *rig.cached : *rig.bare;
    rig.check(store.mget(rig.keys));
    rig.server.configure({{"latency_ms", kLatencyMs}});
    rig.server.reset_stats();
    for (auto _ : state) benchmark::DoNotOptimize(store.mget(rig.keys));
    const auto requests = rig.server.stats().at("total").to_number<std::uint64_t>();
    rig.server.configure({{"latency_ms", 0}});
    state.counters["requests"] =
        static_cast<double>(requests) / static_cast<double>(state.iterations());
    if (cached) {
      state.counters["accounted_bytes"] = static_cast<double>(rig.accounted_bytes);
      state.counters["heap_retained_bytes"] = static_cast<double>(rig.heap_retained);
      state.counters["max_bytes"] = static_cast<double>(kAstraCacheBytes);
      if (requests > 0)
        state.SkipWithError(("cached reads sent " + std::to_string(requests) + " requests").c_str());
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// The count `bytestore_keys_total` gives for mget of store `name`.
std::uint64_t mget_keys_counted(const std::string& name) {
  const std::string series = "bytestore_keys_total{store=\"" + name + "\",op=\"mget\"} ";
  const std::string text = metrics_text();
  const std::size_t at = text.find(series);
  if (at == std::string::npos) throw std::runtime_error("no " + series + "in metrics_text()");
  return std::stoull(text.substr(at + series.size()));
}

// Writes more entries than fit through a cache over the memory backend,
// and through the bare memory backend; the heap difference is the cache's.
// A metrics layer beneath the cache counts the keys that missed it.
void BM_CacheBound(benchmark::State& state) {
  const auto max_bytes = static_cast<std::size_t>(state.range(0));
  const auto written = static_cast<std::size_t>(state.range(1));
  try {
    std::vector<KeyValue> pairs;
    std::vector<std::string> keys;
    const std::string value = value_of(kValueBytes, 7);
    for (std::size_t i = 0; i < written; ++i) {
      keys.push_back(key_name(ValueSize::small, i));
      pairs.emplace_back(keys.back(), value);
    }
    const auto write = [&](ByteStore& store) {
      for (std::size_t i = 0; i < written; i += 1000)
        store.mset(std::span<const KeyValue>(pairs).subspan(i, std::min<std::size_t>(1000, written - i)));
    };
    static std::atomic<int> runs{0};  // a store name per run: metrics are kept by name
    const auto open_cached = [&](const std::string& name) {
      return open_yaml("stores:\n  " + name + ":\n    backend: memory\n    layers: [ { layer: cache, max_bytes: " +
                           std::to_string(max_bytes) + " }, { layer: metrics } ]\n",
                       name);
    };
    {
      // Every plugin loaded once before the heap is measured.
      open_cached("cache-bound-warm-up")->mset(std::span<const KeyValue>(pairs).first(1));
    }
    for (auto _ : state) {
      const std::string name = "cache-bound-" + std::to_string(++runs);
      const std::size_t h0 = heap_in_use();
      auto bare = open_yaml("stores:\n  bare: { backend: memory }\n", "bare");
      write(*bare);
      const std::size_t h1 = heap_in_use();
      auto cached = open_cached(name);
      write(*cached);
      const std::size_t h2 = heap_in_use();
      const std::uint64_t asked_before = mget_keys_counted(name);
      benchmark::DoNotOptimize(cached->mget(keys));
      const std::uint64_t missed = mget_keys_counted(name) - asked_before;
      const double entries = static_cast<double>(written - missed);
      const double cache_heap = static_cast<double>(h2 - h1) - static_cast<double>(h1 - h0);
      const double accounted_bytes = entries * static_cast<double>(accounted(keys[0], kValueBytes));
      state.counters["entries"] = entries;
      state.counters["accounted_bytes"] = accounted_bytes;
      state.counters["heap_bytes"] = cache_heap;
      state.counters["max_bytes"] = static_cast<double>(max_bytes);
      state.counters["heap_per_entry_beyond_key_value"] =
          entries > 0 ? cache_heap / entries - static_cast<double>(keys[0].size() + kValueBytes) : 0;
      state.counters["entry_overhead_stated"] = static_cast<double>(LruCache::kEntryOverhead);
      if (accounted_bytes > static_cast<double>(max_bytes))
        state.SkipWithError("the cache accounts more than max_bytes");
    }
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

const bool registered = [] {
  for (bool cached : {false, true})
    benchmark::RegisterBenchmark(
        (std::string("BM_Layer_Astra_Cache_Mget/") + (cached ? "Cached" : "Uncached") +
         "/keys:" + std::to_string(kKeys) + "/latency_ms:" + std::to_string(kLatencyMs))
            .c_str(),
        [cached](benchmark::State& s) { BM_AstraCacheMget(s, cached); })
        ->UseRealTime()
        ->Unit(benchmark::kMicrosecond);
  benchmark::RegisterBenchmark("BM_Layer_Memory_Cache_Bound", BM_CacheBound)
      ->ArgNames({"max_bytes", "entries_written"})
      ->Args({1 << 20, 20000})
      ->Iterations(1)
      ->Unit(benchmark::kMillisecond);
  return true;
}();

}  // namespace
}  // namespace bytestore::bench
