// cp: streams every key (or those under a prefix) from one store of the
// config into another, in batches.
#include <bytestore/bytestore.hpp>

#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "commands.h"
#include "config_locator.h"
#include "copy_progress.h"

namespace bytestore::cli {
namespace {

std::size_t batch_size(const CommandLine& line) {
  const std::string text = line.flag("--batch").value_or("500");
  std::size_t n = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (ec != std::errc() || ptr != text.data() + text.size() || n == 0 || n > 100'000)
    throw UsageError("--batch takes a number of keys from 1 to 100000, not '" + text + "'");
  return n;
}

}  // namespace

int run_cp(const CommandLine& line) {
  const auto to = line.flag("--to");
  if (!to || !line.operands.empty())
    throw UsageError("usage: bytestore [-s STORE] cp --to STORE [--prefix P] [--batch N]");
  const std::size_t batch = batch_size(line);
  const std::string prefix = line.flag("--prefix").value_or("");
  const LocatedConfig located = locate_config(line.config);
  const std::string from_name = selected_store(located.config, line.store);
  if (from_name == *to) throw UsageError("cp: source and destination are the same store '" + *to + "'");
  auto source = located.config.open(from_name);
  auto destination = located.config.open(*to);

  const bool terminal = isatty(STDERR_FILENO);
  CopyProgress progress(terminal ? std::optional<std::uint64_t>(0) : std::nullopt);
  if (terminal) {  // a first pass counts the keys, for the ETA
    std::uint64_t total = 0;
    for (const std::string& key : source->yield_keys(prefix)) total += !key.empty();
    progress.set_total(total);
  }

  std::vector<std::string> keys;
  keys.reserve(batch);
  auto flush = [&] {
    if (keys.empty()) return;
    const auto values = source->mget(keys);
    std::vector<KeyValue> pairs;
    pairs.reserve(keys.size());
    std::uint64_t bytes = 0, vanished = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!values[i]) {
        ++vanished;  // deleted since it was listed
        continue;
      }
      bytes += values[i]->size();
      pairs.emplace_back(std::move(keys[i]), std::move(*values[i]));
    }
    destination->mset(pairs);
    progress.add(pairs.size(), bytes, vanished);
    keys.clear();
  };
  for (const std::string& key : source->yield_keys(prefix)) {
    keys.push_back(key);
    if (keys.size() == batch) flush();
  }
  flush();
  progress.finish(from_name, *to);
  return kOk;
}

}  // namespace bytestore::cli
