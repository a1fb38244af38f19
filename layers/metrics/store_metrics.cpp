#include "store_metrics.h"

#include <cstdio>
#include <vector>

namespace bytestore::layers {
namespace {

// A label value as the exposition format writes it: \, " and newline escaped.
std::string label_value(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.9g", value);
  return text;
}

}  // namespace

void OpMetrics::took(std::chrono::nanoseconds elapsed) {
  nanoseconds += static_cast<std::uint64_t>(elapsed.count());
  const double seconds = std::chrono::duration<double>(elapsed).count();
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i)
    if (seconds <= kLatencyBuckets[i]) {
      ++buckets[i];
      return;
    }
  ++slower;
}

MetricsRegistry& MetricsRegistry::process() {
  static auto* registry = new MetricsRegistry;  // never destroyed: layers may close during exit
  return *registry;
}

std::shared_ptr<StoreMetrics> MetricsRegistry::of(std::string_view store) {
  std::lock_guard lock(mutex_);
  auto it = stores_.find(store);
  if (it == stores_.end()) it = stores_.emplace(std::string(store), std::make_shared<StoreMetrics>()).first;
  return it->second;
}

std::string MetricsRegistry::exposition(std::string_view only) const {
  std::vector<std::pair<std::string, std::shared_ptr<StoreMetrics>>> stores;
  {
    std::lock_guard lock(mutex_);
    for (const auto& [name, metrics] : stores_)
      if (only.empty() || name == only) stores.emplace_back(name, metrics);
  }
  if (stores.empty()) return {};
  std::string out;
  auto family = [&](std::string_view name, std::string_view type, std::string_view help) {
    out += "# HELP " + std::string(name) + " " + std::string(help) + "\n# TYPE " + std::string(name) + " " +
           std::string(type) + "\n";
  };
  auto each = [&](auto&& line) {
    for (const auto& [store, metrics] : stores)
      for (std::size_t op = 0; op < kOpNames.size(); ++op)
        line("store=\"" + label_value(store) + "\",op=\"" + std::string(kOpNames[op]) + "\"",
             metrics->ops[op]);
  };
  auto counter = [&](std::string_view name, std::string_view help,
                     std::atomic<std::uint64_t> OpMetrics::*field) {
    family(name, "counter", help);
    each([&](const std::string& labels, const OpMetrics& m) {
      out += std::string(name) + "{" + labels + "} " + std::to_string((m.*field).load()) + "\n";
    });
  };
  counter("bytestore_calls_total", "Calls of the store, by operation.", &OpMetrics::calls);
  counter("bytestore_keys_total", "Keys the calls named (or listed).", &OpMetrics::keys);
  counter("bytestore_value_bytes_read_total", "Bytes of values returned by mget.", &OpMetrics::bytes_read);
  counter("bytestore_value_bytes_written_total", "Bytes of values written by mset.",
          &OpMetrics::bytes_written);
  family("bytestore_errors_total", "counter", "Calls that failed, by error code.");
  each([&](const std::string& labels, const OpMetrics& m) {
    for (int code = 1; code <= 9; ++code)
      if (const auto n = m.errors[code].load(); n > 0)
        out += "bytestore_errors_total{" + labels + ",code=\"" +
               std::string(to_string(static_cast<Errc>(code))) + "\"} " + std::to_string(n) + "\n";
  });
  family("bytestore_call_duration_seconds", "histogram", "Time a call took in the store beneath.");
  each([&](const std::string& labels, const OpMetrics& m) {
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
      cumulative += m.buckets[i].load();
      out += "bytestore_call_duration_seconds_bucket{" + labels + ",le=\"" + number(kLatencyBuckets[i]) +
             "\"} " + std::to_string(cumulative) + "\n";
    }
    cumulative += m.slower.load();
    out += "bytestore_call_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
           std::to_string(cumulative) + "\n";
    out += "bytestore_call_duration_seconds_sum{" + labels + "} " +
           number(static_cast<double>(m.nanoseconds.load()) / 1e9) + "\n";
    out += "bytestore_call_duration_seconds_count{" + labels + "} " + std::to_string(cumulative) + "\n";
  });
  return out;
}

}  // namespace bytestore::layers
