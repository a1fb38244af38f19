// What the metrics layer counts, per store and operation, for the whole
// process: calls, keys, value bytes in and out, errors by code, and a
// latency histogram. Counters are atomics, so measuring takes no lock.
#pragma once

#include <bytestore/error.hpp>

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

namespace bytestore::layers {

enum class Op { mget, mset, mdelete, yield_keys, compact };
inline constexpr std::array<std::string_view, 5> kOpNames = {"mget", "mset", "mdelete", "yield_keys",
                                                              "compact"};

// Upper bounds of the latency buckets, in seconds (Prometheus `le`).
inline constexpr std::array<double, 12> kLatencyBuckets = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005,
                                                           0.01,   0.025,   0.05,   0.1,   0.5,    2.5};

struct OpMetrics {
  std::atomic<std::uint64_t> calls{0}, keys{0}, bytes_read{0}, bytes_written{0};
  std::array<std::atomic<std::uint64_t>, 10> errors{};  // by Errc value, 1 to 9
  std::array<std::atomic<std::uint64_t>, kLatencyBuckets.size()> buckets{};  // not cumulative
  std::atomic<std::uint64_t> slower{0};                                      // over the last bound
  std::atomic<std::uint64_t> nanoseconds{0};

  void took(std::chrono::nanoseconds elapsed);
};

struct StoreMetrics {
  std::array<OpMetrics, kOpNames.size()> ops;
  OpMetrics& operator[](Op op) { return ops[static_cast<std::size_t>(op)]; }
};

class MetricsRegistry {
 public:
  static MetricsRegistry& process();

  // The metrics of `store`, shared by every layer measuring it.
  std::shared_ptr<StoreMetrics> of(std::string_view store);

  // Prometheus text exposition of every store, or of `only` when given.
  std::string exposition(std::string_view only = {}) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::string, std::shared_ptr<StoreMetrics>, std::less<>> stores_;
};

}  // namespace bytestore::layers
