#include "suite.h"

namespace bytestore::bench {

std::string wrong_answers(const Values& values, const GetBatch& keys, ValueSize size) {
  if (values.size() != keys.size())
    return std::to_string(values.size()) + " answers for " + std::to_string(keys.size()) + " keys";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (values[i].has_value() != is_present_key(keys[i]))
      return "key " + keys[i] + (values[i] ? " found but never written" : " written but not found");
    if (values[i] && values[i]->size() != bytes_of(size))
      return "key " + keys[i] + " has " + std::to_string(values[i]->size()) + " bytes, expected " +
             std::to_string(bytes_of(size));
  }
  return {};
}

void report_keys(benchmark::State& state, std::size_t keys_per_iteration) {
  const auto keys =
      static_cast<double>(state.iterations()) * static_cast<double>(keys_per_iteration);
  state.SetItemsProcessed(static_cast<std::int64_t>(keys));
  state.counters["per_key"] =
      benchmark::Counter(keys, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

std::string params(ValueSize size, std::size_t batch) {
  return "batch:" + std::to_string(batch) + "/value:" + std::to_string(bytes_of(size));
}

}  // namespace bytestore::bench
