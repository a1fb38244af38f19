// The prefix and metrics layers against the bare store: the same backend
// (SQLite, LMDB) through ByteStore with one layer and without any, each in
// its own file holding the same keys, back to back in one process:
//   BM_Layer_<Backend>_<Layer>_<Op>/Layered/<params>  then  .../Bare/<params>
// Stores hold the 100 B and 4 KiB key sets of workload.h (run with
// BYTESTORE_BENCH_KEYS=100000: 100,000 keys of 100 B, 16,384 of 4 KiB).
#include <list>
#include <string>

#include "layer_stores.h"
#include "suite.h"

namespace bytestore::bench {
namespace {

constexpr ValueSize kSizes[] = {ValueSize::small, ValueSize::medium};

struct Layer {
  const char* title;
  const char* name;  // in the store's name, so each store has its own file
  const char* yaml;
};

// The prefix is the issue's example; metrics counts into memory only (a
// `file:` would add a rewrite every `interval`, off the calling thread).
constexpr Layer kLayers[] = {
    {"Prefix", "prefix", R"([ { layer: prefix, prefix: "t/" } ])"},
    {"Metrics", "metrics", "[ { layer: metrics } ]"},
};

std::function<void(ByteStoreEngine&)> fill_small_and_medium() {
  return [](ByteStoreEngine& engine) {
    prefill([&](const SetBatch& pairs) { engine.mset(0, pairs); }, kSizes);
  };
}

using Shared = SharedEngine<ByteStoreEngine>;

// The stores, opened on first use; a list keeps them in place.
std::list<Shared>& stores() {
  static std::list<Shared> all;
  return all;
}

void register_backend(Backend backend) {
  const std::string title = backend_title(backend);
  Shared* bare = &stores().emplace_back(
      [=] { return open_layered(backend, title + "-bare", ""); }, fill_small_and_medium());
  for (const Layer& layer : kLayers) {
    Shared* layered = &stores().emplace_back(
        [=] { return open_layered(backend, title + "-" + layer.name, layer.yaml); },
        fill_small_and_medium());
    const std::string base = "BM_Layer_" + title + "_" + layer.title;
    const auto add = [](const std::string& name, auto body) {
      benchmark::RegisterBenchmark(name.c_str(), body)->UseRealTime();
    };
    for (std::size_t batch : {std::size_t{100}, std::size_t{1000}}) {
      for (ValueSize size : kSizes) {
        const std::string tail = params(size, batch);
        add(base + "_Mget/Layered/" + tail + "/hit:100",
            [=](benchmark::State& s) { run_mget(s, *layered, size, batch, 100); });
        add(base + "_Mget/Bare/" + tail + "/hit:100",
            [=](benchmark::State& s) { run_mget(s, *bare, size, batch, 100); });
        add(base + "_Mset/Layered/" + tail,
            [=](benchmark::State& s) { run_mset(s, *layered, size, batch); });
        add(base + "_Mset/Bare/" + tail,
            [=](benchmark::State& s) { run_mset(s, *bare, size, batch); });
      }
    }
  }
}

const bool registered = [] {
  for (Backend backend : kLayerBackends) register_backend(backend);
  return true;
}();

}  // namespace
}  // namespace bytestore::bench
