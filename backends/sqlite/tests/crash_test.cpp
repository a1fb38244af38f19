// A writer process killed with SIGKILL at random moments, many times: the
// file must stay intact, every acknowledged batch whole, and every other
// batch whole or absent.
#include "sqlite_scratch.h"

#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <map>
#include <random>

#include "killed_writer.h"

namespace bytestore::sqlite {
namespace {

using testing::ScratchDir;

constexpr int kIterations = 30;
constexpr int kBatchKeys = 50;
constexpr std::size_t kValueBytes = 16 * 1024;

std::string key_of(int iteration, int batch, int k) {
  return "crash/" + std::to_string(iteration) + "/" + std::to_string(batch) + "/" + std::to_string(k);
}

// Tagged with its key, then filler that differs from batch to batch.
Bytes value_of(int iteration, int batch, int k) {
  Bytes value = key_of(iteration, batch, k) + "=";
  value.resize(kValueBytes, static_cast<char>('a' + (batch * 7 + k) % 26));
  return value;
}

// The child: writes batches until killed.
void write_until_killed(const std::string& path, int iteration,
                        const bytestore::testing::Acknowledge& acknowledge) {
  auto store = testing::open_store(path);
  for (int batch = 0;; ++batch) {
    std::vector<KeyValue> pairs;
    for (int k = 0; k < kBatchKeys; ++k)
      pairs.emplace_back(key_of(iteration, batch, k), value_of(iteration, batch, k));
    store->mset(pairs);
    acknowledge(batch);
  }
}

TEST(SqliteCrash, KilledWriterLeavesWholeBatches) {
  ScratchDir dir;
  const std::string path = dir.file("crash.db");
  const unsigned seed = std::random_device{}();
  std::mt19937 random(seed);
  std::cout << "seed " << seed << "\n";
  int iterations = 0, acknowledged = 0, torn = 0, in_flight_kept = 0;
  const auto start = std::chrono::steady_clock::now();

  for (int iteration = 0; iteration < kIterations; ++iteration) {
    // Let it commit a few batches, then kill it at a random point.
    const int wanted = 1 + static_cast<int>(random() % 4);
    const auto writer = bytestore::testing::kill_writer(
        wanted, std::chrono::microseconds(random() % 15000),
        [&](const bytestore::testing::Acknowledge& acknowledge) {
          write_until_killed(path, iteration, acknowledge);
        });
    ASSERT_TRUE(writer.killed) << "writer exited by itself with code " << writer.exit_code;
    const int acked = writer.last_acknowledged;
    ASSERT_GE(acked, 0) << "writer never acknowledged a batch";
    ++iterations;
    acknowledged += acked + 1;

    ASSERT_EQ(testing::integrity_check(path), "ok") << "after kill " << iteration;

    auto store = testing::open_store(path);
    const std::string prefix = "crash/" + std::to_string(iteration) + "/";
    std::map<int, int> keys_per_batch;
    std::vector<std::string> written;
    for (const std::string& key : store->yield_keys(prefix)) {
      ++keys_per_batch[std::stoi(key.substr(prefix.size()))];
      written.push_back(key);
    }
    for (int b = 0; b <= acked; ++b)
      EXPECT_EQ(keys_per_batch[b], kBatchKeys) << "acknowledged batch " << b << " is not whole";
    for (const auto& [b, n] : keys_per_batch) {
      if (n != kBatchKeys && n != 0) ++torn;
      EXPECT_LE(b, acked + 1) << "batch " << b << " was never written";
      if (b == acked + 1 && n == kBatchKeys) ++in_flight_kept;
    }
    // Values are the ones written, not merely present.
    std::vector<std::string> keys;
    for (int b = 0; b <= acked; ++b)
      for (int k = 0; k < kBatchKeys; ++k) keys.push_back(key_of(iteration, b, k));
    const auto values = store->mget(keys);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      const int b = static_cast<int>(i) / kBatchKeys, k = static_cast<int>(i) % kBatchKeys;
      EXPECT_TRUE(values[i] == value_of(iteration, b, k)) << keys[i] << " came back altered";
    }
    // Keep the file small: the next writer reuses the freed pages.
    store->mdelete(written);
    if (std::chrono::steady_clock::now() - start > std::chrono::seconds(15) && iterations >= 10) break;
  }
  EXPECT_EQ(torn, 0);
  std::cout << iterations << " kills, " << acknowledged << " acknowledged batches of " << kBatchKeys
            << " x " << kValueBytes / 1024 << " KiB, " << in_flight_kept
            << " unacknowledged batches found whole, " << torn << " torn batches\n";
}

}  // namespace
}  // namespace bytestore::sqlite
