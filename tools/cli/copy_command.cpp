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
#include "key_text.h"

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

// Why a store with `limits` refuses the pair; empty when it takes it.
std::string refusal(const Capabilities& limits, const std::string& key, const Bytes& value) {
  if (key.empty()) return "empty key";
  if (key.size() > limits.max_key_bytes)
    return "key of " + std::to_string(key.size()) + " bytes exceeds its " +
           std::to_string(limits.max_key_bytes) + "-byte key limit";
  if (!is_valid_utf8(key)) return "key is not valid UTF-8";
  if (value.size() > limits.max_value_bytes)
    return "value of " + std::to_string(value.size()) + " bytes exceeds its " +
           std::to_string(limits.max_value_bytes) + "-byte value limit";
  return {};
}

// Errors that are about one pair, not about the store.
bool refuses_pair(const Error& e) {
  return e.code() == Errc::invalid_argument || e.code() == Errc::limit_exceeded;
}

// The copy ends at a refused key (without --skip-invalid).
struct Stopped {
  std::string key;
  std::string reason;
};

}  // namespace

int run_cp(const CommandLine& line) {
  const auto to = line.flag("--to");
  if (!to || !line.operands.empty())
    throw UsageError(
        "usage: bytestore [-s STORE] cp --to STORE [--prefix P] [--batch N] [--skip-invalid]");
  const std::size_t batch = batch_size(line);
  const bool skip_invalid = line.has("--skip-invalid");
  const std::string prefix = line.flag("--prefix").value_or("");
  check_command_line_prefix(prefix);
  const LocatedConfig located = locate_config(line.config);
  const std::string from_name = selected_store(located.config, line.store);
  if (from_name == *to) throw UsageError("cp: source and destination are the same store '" + *to + "'");
  auto source = open_store(located, from_name);
  auto destination = open_store(located, *to);
  const Capabilities limits = destination->capabilities();

  const bool terminal = isatty(STDERR_FILENO);
  CopyProgress progress(terminal ? std::optional<std::uint64_t>(0) : std::nullopt);
  if (terminal) {  // a first pass counts the keys, for the ETA
    std::uint64_t total = 0;
    for (const std::string& key : source->yield_keys(prefix)) total += !key.empty();
    progress.set_total(total);
  }

  std::uint64_t skipped = 0;
  std::vector<std::string> first_skipped;  // a few, for the summary
  std::string first_reason;
  auto refused = [&](const std::string& key, const std::string& reason) {
    if (!skip_invalid) throw Stopped{key, reason};
    if (skipped++ == 0) first_reason = reason;
    if (first_skipped.size() < 3) first_skipped.push_back(key);
  };

  std::vector<std::string> keys;
  keys.reserve(batch);
  // Writes `pairs`; when the destination refuses the batch for one of its
  // pairs, writes them one at a time to find which.
  auto write = [&](std::vector<KeyValue>& pairs) {
    std::uint64_t bytes = 0;
    for (const auto& pair : pairs) bytes += pair.second.size();
    try {
      if (!pairs.empty()) destination->mset(pairs);
      progress.add(pairs.size(), bytes, 0);
      return;
    } catch (const Error& e) {
      if (!refuses_pair(e)) throw;
    }
    for (const KeyValue& pair : pairs) {
      try {
        destination->mset({pair});
        progress.add(1, pair.second.size(), 0);
      } catch (const Error& e) {
        if (!refuses_pair(e)) throw;
        refused(pair.first, e.what());
      }
    }
  };
  auto flush = [&] {
    if (keys.empty()) return;
    const auto values = source->mget(keys);
    std::vector<KeyValue> pairs;
    pairs.reserve(keys.size());
    std::uint64_t vanished = 0;
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (!values[i]) {
        ++vanished;  // deleted since it was listed
        continue;
      }
      if (const std::string why = refusal(limits, keys[i], *values[i]); !why.empty()) {
        if (!skip_invalid) write(pairs);  // what came before it is copied
        refused(keys[i], why);
        continue;
      }
      pairs.emplace_back(std::move(keys[i]), std::move(*values[i]));
    }
    write(pairs);
    progress.add(0, 0, vanished);
    keys.clear();
  };
  try {
    for (const std::string& key : source->yield_keys(prefix)) {
      keys.push_back(key);
      if (keys.size() == batch) flush();
    }
    flush();
  } catch (const Stopped& stop) {
    progress.end_line();
    std::fprintf(stderr,
                 "bytestore: cp: store '%s' refused key %s from '%s': %s; copied %llu %s before "
                 "it (--skip-invalid copies the rest)\n",
                 printable(*to).c_str(), quoted_key(stop.key).c_str(), printable(from_name).c_str(),
                 printable(stop.reason).c_str(), static_cast<unsigned long long>(progress.keys()),
                 progress.keys() == 1 ? "key" : "keys");
    return kStoreError;
  }
  progress.finish(from_name, *to);
  if (skipped) {
    std::string names;
    for (const std::string& key : first_skipped) names += (names.empty() ? "" : ", ") + quoted_key(key);
    std::fprintf(stderr, "skipped %llu %s that '%s' refused: %s%s (the first because: %s)\n",
                 static_cast<unsigned long long>(skipped), skipped == 1 ? "key" : "keys",
                 printable(*to).c_str(), names.c_str(),
                 skipped > first_skipped.size() ? ", ..." : "", printable(first_reason).c_str());
  }
  return kOk;
}

}  // namespace bytestore::cli
