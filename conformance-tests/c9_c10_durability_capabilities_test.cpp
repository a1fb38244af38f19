// C9 durability across reopen and a killed process; C10 truthful
// capabilities.
#include "store_test.h"

#include <chrono>
#include <map>
#include <random>

#include "killed_writer.h"

namespace bytestore::conformance {
namespace {

using C9Durability = StoreTest;

TEST_F(C9Durability, AcknowledgedWritesSurviveCloseAndReopen) {
  if (!caps_.persistent) GTEST_SKIP() << "backend does not claim persistence";
  Bytes binary;
  for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  const auto keys = numbered_keys("dur/", 300);
  store_->mset(pairs_for(keys));
  store_->mset({{"bin", binary}, {"empty", ""}});
  store_->mdelete({keys[0]});
  reopen();
  EXPECT_EQ(get("bin"), binary);
  EXPECT_EQ(get("empty"), std::optional<Bytes>(""));
  EXPECT_EQ(get(keys[0]), std::nullopt);
  EXPECT_EQ(get(keys[299]), "v:" + keys[299]);
  EXPECT_EQ(sorted_keys(*store_, "dur/").size(), 299u);
}

// A child process writes batches until it is killed; every batch it
// acknowledged must be whole afterwards, and on an atomic_batch engine
// every other batch whole or absent.
TEST_F(C9Durability, KilledWriterLosesNoAcknowledgedBatch) {
  if (!caps_.persistent) GTEST_SKIP() << "backend does not claim persistence";
  constexpr int kIterations = 3, kBatchKeys = 20;
  std::mt19937 random(12345);
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    store_.reset();  // the child opens its own
    const auto writer = bytestore::testing::kill_writer(
        6, std::chrono::microseconds(random() % 20000),
        [&](const bytestore::testing::Acknowledge& acknowledge) {
          auto store = open_target();
          for (int batch = 0;; ++batch) {
            std::vector<KeyValue> pairs;
            const std::string tag = std::to_string(iteration) + "/" + std::to_string(batch);
            for (int k = 0; k < kBatchKeys; ++k)
              pairs.emplace_back("crash/" + tag + "/" + std::to_string(k), tag + Bytes(4000, 'p'));
            store->mset(pairs);
            acknowledge(batch);
          }
        });
    ASSERT_TRUE(writer.killed) << "writer exited early with code " << writer.exit_code;
    const int acked = writer.last_acknowledged;
    ASSERT_GE(acked, 5) << "writer never got going";

    store_ = open_target();
    std::map<int, int> keys_per_batch;
    const std::string prefix = "crash/" + std::to_string(iteration) + "/";
    for (const std::string& k : store_->yield_keys(prefix))
      ++keys_per_batch[std::stoi(k.substr(prefix.size()))];
    for (int b = 0; b <= acked; ++b)
      EXPECT_EQ(keys_per_batch[b], kBatchKeys) << "acknowledged batch " << b << " is not whole";
    if (caps_.atomic_batch) {
      for (const auto& [b, n] : keys_per_batch) {
        EXPECT_TRUE(n == kBatchKeys) << "batch " << b << " is torn: " << n << " of " << kBatchKeys;
      }
    }
  }
}

using C10Capabilities = StoreTest;

TEST_F(C10Capabilities, LimitsArePositiveAndStable) {
  EXPECT_GT(caps_.max_key_bytes, 0u);
  EXPECT_GT(caps_.max_value_bytes, 0u);
  const Capabilities again = store_->capabilities();
  EXPECT_EQ(again.max_key_bytes, caps_.max_key_bytes);
  EXPECT_EQ(again.max_value_bytes, caps_.max_value_bytes);
  EXPECT_EQ(again.atomic_batch, caps_.atomic_batch);
  EXPECT_EQ(again.ordered_keys, caps_.ordered_keys);
  EXPECT_EQ(again.persistent, caps_.persistent);
}

TEST_F(C10Capabilities, PersistenceClaimMatchesBehaviour) {
  store_->mset({{"persist?", "yes"}});
  reopen();
  if (caps_.persistent)
    EXPECT_EQ(get("persist?"), "yes") << "claims persistence, lost data on reopen";
  else
    EXPECT_EQ(get("persist?"), std::nullopt) << "claims no persistence, yet data came back";
}

}  // namespace
}  // namespace bytestore::conformance
