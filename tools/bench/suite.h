// The workloads, registered for one backend as adjacent pairs:
//   BM_<Backend>_<Op>/ByteStore/<params>  then  BM_<Backend>_<Op>/Raw/<params>
// so the two sides of a ratio run back to back in one process, and the
// JSON output pairs them by swapping "/ByteStore/" for "/Raw/".
#pragma once

#include <benchmark/benchmark.h>

#include <cstddef>
#include <exception>
#include <string>
#include <type_traits>

#include "engine.h"
#include "shared_engine.h"
#include "workload.h"

namespace bytestore::bench {

// Checks the first answer of a get pool, so a run that measures nothing
// useful (wrong values, missing keys) fails instead of reporting a time.
// Returns what is wrong, or an empty string.
std::string wrong_answers(const Values& values, const GetBatch& keys, ValueSize size);

// Keys handled per iteration, as items/s and as seconds per key.
void report_keys(benchmark::State& state, std::size_t keys_per_iteration);

// Runs `body`; an exception skips the benchmark with its message.
template <class Body>
void guarded(benchmark::State& state, Body&& body) {
  try {
    body();
  } catch (const std::exception& e) {
    state.SkipWithError(e.what());
  }
}

// The timed calls, kept out of line so that a profile counts exactly the
// calls a benchmark times: callgrind --toggle-collect='*timed_mget<*RawLmdb*'.
template <Engine E>
[[gnu::noinline]] Values timed_mget(E& engine, int lane, const GetBatch& keys) {
  return engine.mget(lane, keys);
}
template <Engine E>
[[gnu::noinline]] void timed_mset(E& engine, int lane, const SetBatch& pairs) {
  engine.mset(lane, pairs);
}
template <Engine E>
[[gnu::noinline]] std::size_t timed_count_keys(E& engine, int lane) {
  return engine.count_keys(lane, scan_prefix());
}

template <Engine E>
void run_mget(benchmark::State& state, SharedEngine<E>& shared, ValueSize size, std::size_t batch,
              int hit_percent) {
  guarded(state, [&] {
    E& engine = shared.get();
    const int lane = state.thread_index();
    const std::vector<GetBatch>& pool = get_batches(size, batch, hit_percent, lane);
    if (const std::string wrong = wrong_answers(engine.mget(lane, pool[0]), pool[0], size);
        !wrong.empty()) {
      state.SkipWithError(wrong.c_str());
      return;
    }
    std::size_t next = 0;
    for (auto _ : state) {
      Values values = timed_mget(engine, lane, pool[next]);
      benchmark::DoNotOptimize(values.data());
      next = next + 1 == pool.size() ? 0 : next + 1;
    }
    report_keys(state, batch);
  });
}

template <Engine E>
void run_mset(benchmark::State& state, SharedEngine<E>& shared, ValueSize size, std::size_t batch) {
  guarded(state, [&] {
    E& engine = shared.get();
    const int lane = state.thread_index();
    const std::vector<SetBatch>& pool = set_batches(size, batch, lane);
    std::size_t next = 0;
    for (auto _ : state) {
      timed_mset(engine, lane, pool[next]);
      next = next + 1 == pool.size() ? 0 : next + 1;
    }
    report_keys(state, batch);
  });
}

template <Engine E>
void run_yield_keys(benchmark::State& state, SharedEngine<E>& shared) {
  guarded(state, [&] {
    E& engine = shared.get();
    const int lane = state.thread_index();
    const std::size_t expected = keys_with_scan_prefix();
    if (const std::size_t listed = engine.count_keys(lane, scan_prefix()); listed != expected) {
      state.SkipWithError(("listed " + std::to_string(listed) + " keys, expected " +
                           std::to_string(expected)).c_str());
      return;
    }
    for (auto _ : state) benchmark::DoNotOptimize(timed_count_keys(engine, lane));
    report_keys(state, expected);
  });
}

// Which workloads also run on two threads: the common small-value ones.
inline bool runs_on_two_threads(ValueSize size, std::size_t batch) {
  return size == ValueSize::small && batch <= 100;
}

// 1,000 values of 256 KiB is 256 MiB per call: absurd for a key-value
// batch, and it would dominate the run. Such batches are skipped.
inline bool is_skipped(ValueSize size, std::size_t batch) {
  return size == ValueSize::large && batch > 100;
}

std::string params(ValueSize size, std::size_t batch);

// Registers every workload of `backend` ("Sqlite"): ByteStore against raw.
// `ordered` is the raw engine yield_keys runs on: `raw` itself, unless
// `raw` keeps no order (a hash map) and cannot list a prefix.
template <Engine Full, Engine Raw, Engine Ordered>
void register_suite(const std::string& backend, SharedEngine<Full>& full, SharedEngine<Raw>& raw,
                    SharedEngine<Ordered>& ordered) {
  const auto add = [](const std::string& name, auto body, int threads) {
    auto* b = benchmark::RegisterBenchmark(name.c_str(), body)->UseRealTime();
    if (threads > 1) b->Threads(threads);
  };
  for (int threads : {1, 2}) {
    for (std::size_t batch : {std::size_t{1}, std::size_t{100}, std::size_t{1000}}) {
      for (ValueSize size : kValueSizes) {
        if (is_skipped(size, batch) || (threads > 1 && !runs_on_two_threads(size, batch))) continue;
        for (int hit : {100, 50}) {
          const std::string tail = params(size, batch) + "/hit:" + std::to_string(hit);
          add("BM_" + backend + "_Mget/ByteStore/" + tail,
              [&full, size, batch, hit](benchmark::State& s) {
                run_mget(s, full, size, batch, hit);
              },
              threads);
          add("BM_" + backend + "_Mget/Raw/" + tail,
              [&raw, size, batch, hit](benchmark::State& s) { run_mget(s, raw, size, batch, hit); },
              threads);
        }
        const std::string tail = params(size, batch);
        add("BM_" + backend + "_Mset/ByteStore/" + tail,
            [&full, size, batch](benchmark::State& s) { run_mset(s, full, size, batch); }, threads);
        add("BM_" + backend + "_Mset/Raw/" + tail,
            [&raw, size, batch](benchmark::State& s) { run_mset(s, raw, size, batch); }, threads);
      }
    }
    add("BM_" + backend + "_YieldKeys/ByteStore/prefix:1pct",
        [&full](benchmark::State& s) { run_yield_keys(s, full); }, threads);
    add("BM_" + backend + "_YieldKeys/Raw/prefix:1pct",
        [&ordered](benchmark::State& s) { run_yield_keys(s, ordered); }, threads);
  }
}

template <Engine Full, Engine Raw>
void register_suite(const std::string& backend, SharedEngine<Full>& full, SharedEngine<Raw>& raw) {
  register_suite(backend, full, raw, raw);
}

}  // namespace bytestore::bench
