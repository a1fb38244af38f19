// A full map is never the user's problem: the store grows it and retries.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "scratch.h"

namespace bytestore::lmdb::testing {
namespace {

constexpr std::size_t kBatches = 256, kKeysPerBatch = 16, kValueBytes = 16 * 1024;

std::string key_of(std::size_t batch, std::size_t k) {
  return "grow/" + std::to_string(batch) + "/" + std::to_string(k);
}

std::vector<KeyValue> batch_of(std::size_t batch) {
  std::vector<KeyValue> pairs;
  for (std::size_t k = 0; k < kKeysPerBatch; ++k)
    pairs.emplace_back(key_of(batch, k), pattern_value(batch * kKeysPerBatch + k, kValueBytes));
  return pairs;
}

void expect_batch(ByteStore& store, std::size_t batch) {
  std::vector<std::string> keys;
  for (std::size_t k = 0; k < kKeysPerBatch; ++k) keys.push_back(key_of(batch, k));
  const auto values = store.mget(keys);
  for (std::size_t k = 0; k < kKeysPerBatch; ++k) {
    ASSERT_TRUE(values[k].has_value()) << keys[k] << " missing";
    ASSERT_TRUE(*values[k] == pattern_value(batch * kKeysPerBatch + k, kValueBytes))
        << keys[k] << " came back altered";
  }
}

TEST(MapGrowth, OneMebibyteMapTakesSixtyFourMebibytes) {
  ScratchDir dir;
  {
    auto store = open_lmdb(dir.file("env"), "map_size: 1MiB");
    for (std::size_t b = 0; b < kBatches; ++b) {
      ASSERT_NO_THROW(store->mset(batch_of(b))) << "batch " << b;
      expect_batch(*store, b);
    }
    for (std::size_t b = 0; b < kBatches; ++b) expect_batch(*store, b);
  }
  auto store = open_lmdb(dir.file("env"), "map_size: 1MiB");
  std::size_t keys = 0;
  for (const std::string& k : store->yield_keys("grow/")) {
    (void)k;
    ++keys;
  }
  EXPECT_EQ(keys, kBatches * kKeysPerBatch);
  for (std::size_t b = 0; b < kBatches; ++b) expect_batch(*store, b);
}

TEST(MapGrowth, OneBatchFarLargerThanTheMap) {
  ScratchDir dir;
  auto store = open_lmdb(dir.file("env"), "map_size: 64KiB");
  std::vector<KeyValue> pairs;
  for (std::size_t k = 0; k < 4; ++k) pairs.emplace_back("big/" + std::to_string(k), pattern_value(k, 8 << 20));
  store->mset(pairs);
  for (std::size_t k = 0; k < 4; ++k) EXPECT_TRUE(store->mget({pairs[k].first})[0] == pairs[k].second);
}

// Readers and writers keep going while writers grow the map under them.
TEST(MapGrowth, ConcurrentWritersAndReadersWhileGrowing) {
  ScratchDir dir;
  auto store = open_lmdb(dir.file("env"), "map_size: 1MiB, page_size: 16");
  constexpr std::size_t kWriters = 3, kBatchesEach = 40;
  std::atomic<bool> writing{true};
  std::atomic<std::size_t> failures{0};
  std::vector<std::thread> threads;
  for (std::size_t w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (std::size_t b = w; b < kWriters * kBatchesEach; b += kWriters) {
        try {
          store->mset(batch_of(b));
        } catch (const Error& e) {
          ADD_FAILURE() << e.what();
          ++failures;
        }
      }
    });
  }
  std::vector<std::thread> readers;
  for (int r = 0; r < 2; ++r) {
    readers.emplace_back([&] {
      while (writing) {
        try {
          for (const std::string& k : store->yield_keys("grow/")) {
            const auto v = store->mget(std::vector<std::string>{k});
            if (!v[0] || v[0]->size() != kValueBytes) ++failures;
          }
        } catch (const Error& e) {
          ADD_FAILURE() << e.what();
          ++failures;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  writing = false;
  for (auto& t : readers) t.join();
  EXPECT_EQ(failures.load(), 0u);
  for (std::size_t b = 0; b < kWriters * kBatchesEach; ++b) expect_batch(*store, b);
}

}  // namespace
}  // namespace bytestore::lmdb::testing
