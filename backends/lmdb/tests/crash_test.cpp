// C9 for LMDB under SIGKILL: a child writes large batches through the public
// API and acknowledges each on a pipe; the parent kills it at a random
// moment. After every kill the environment must open cleanly (through the
// raw LMDB API too), every acknowledged batch must be whole, and every
// other batch whole or absent.
#include <lmdb.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "killed_writer.h"
#include "scratch.h"

namespace bytestore::lmdb::testing {
namespace {

constexpr int kIterations = 80, kKeysPerBatch = 50;
constexpr std::size_t kValueBytes = 16 * 1024;

std::string prefix_of(int iteration) { return "crash/" + std::to_string(iteration) + "/"; }

std::string key_of(int iteration, int batch, int k) {
  return prefix_of(iteration) + std::to_string(batch) + "/" + std::to_string(k);
}

std::uint64_t seed_of(int iteration, int batch, int k) {
  return (std::uint64_t(iteration) << 40) | (std::uint64_t(batch) << 16) | std::uint64_t(k);
}

// Writes batch after batch, acknowledging each once mset returned.
void write_until_killed(const std::string& path, int iteration,
                        const bytestore::testing::Acknowledge& acknowledge) {
  auto store = open_lmdb(path, "map_size: 4MiB");
  for (int batch = 0;; ++batch) {
    std::vector<KeyValue> pairs;
    for (int k = 0; k < kKeysPerBatch; ++k)
      pairs.emplace_back(key_of(iteration, batch, k), pattern_value(seed_of(iteration, batch, k), kValueBytes));
    store->mset(pairs);
    acknowledge(batch);
  }
}

// Opens the environment with LMDB alone and reads its statistics.
void expect_raw_lmdb_opens(const std::string& path) {
  MDB_env* env = nullptr;
  ASSERT_EQ(mdb_env_create(&env), MDB_SUCCESS);
  int rc = mdb_env_open(env, path.c_str(), MDB_NOTLS, 0644);
  EXPECT_EQ(rc, MDB_SUCCESS) << mdb_strerror(rc);
  MDB_txn* txn = nullptr;
  if (rc == MDB_SUCCESS) {
    rc = mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn);
    EXPECT_EQ(rc, MDB_SUCCESS) << mdb_strerror(rc);
  }
  if (rc == MDB_SUCCESS) {
    MDB_dbi dbi;
    MDB_stat stat;
    rc = mdb_dbi_open(txn, nullptr, 0, &dbi);
    EXPECT_EQ(rc, MDB_SUCCESS) << mdb_strerror(rc);
    if (rc == MDB_SUCCESS) {
      EXPECT_EQ(mdb_stat(txn, dbi, &stat), MDB_SUCCESS);
    }
    mdb_txn_abort(txn);
  }
  mdb_env_close(env);
}

TEST(Crash, KilledWriterLeavesWholeBatchesOnly) {
  ScratchDir dir;
  const std::string path = dir.file("env");
  std::mt19937 random(std::random_device{}());
  int torn = 0, acknowledged_total = 0, found_total = 0;
  open_lmdb(path);  // the environment exists from the start, so every kill leaves one to check
  const auto started = std::chrono::steady_clock::now();
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    // Kill after a random number of acknowledgements (sometimes none, so
    // the kill may land while the environment opens) and a random delay.
    const int wait_acks = static_cast<int>(random() % 4);
    const auto writer = bytestore::testing::kill_writer(
        wait_acks, std::chrono::microseconds(random() % 30000),
        [&](const bytestore::testing::Acknowledge& acknowledge) {
          write_until_killed(path, iteration, acknowledge);
        });
    ASSERT_TRUE(writer.killed) << "writer exited on its own with code " << writer.exit_code;
    const int acked = writer.last_acknowledged;

    expect_raw_lmdb_opens(path);
    auto store = open_lmdb(path);
    std::map<int, int> keys_per_batch;
    std::vector<std::string> keys;
    for (const std::string& k : store->yield_keys(prefix_of(iteration))) {
      keys.push_back(k);
      ++keys_per_batch[std::stoi(k.substr(prefix_of(iteration).size()))];
    }
    for (int b = 0; b <= acked; ++b) {
      EXPECT_EQ(keys_per_batch[b], kKeysPerBatch) << "acknowledged batch " << b << " is not whole";
      std::vector<std::string> wanted;
      for (int k = 0; k < kKeysPerBatch; ++k) wanted.push_back(key_of(iteration, b, k));
      const auto values = store->mget(wanted);
      for (int k = 0; k < kKeysPerBatch; ++k)
        EXPECT_TRUE(values[k] && *values[k] == pattern_value(seed_of(iteration, b, k), kValueBytes))
            << wanted[k] << " missing or altered";
    }
    for (const auto& [b, n] : keys_per_batch) {
      if (n != kKeysPerBatch) {
        ++torn;
        ADD_FAILURE() << "iteration " << iteration << " batch " << b << " is torn: " << n << " of "
                      << kKeysPerBatch << " keys";
      }
    }
    acknowledged_total += acked + 1;
    found_total += static_cast<int>(keys_per_batch.size());
    // Free the space for the next iteration; pages are reused, the file stays small.
    store->mdelete(keys);
  }
  const auto seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("%d iterations in %.1f s: %d batches acknowledged, %d found whole, %d torn\n",
              kIterations, seconds, acknowledged_total, found_total, torn);
  EXPECT_EQ(torn, 0);
}

}  // namespace
}  // namespace bytestore::lmdb::testing
