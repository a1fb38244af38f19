// The cache layer in front of a remote store (the astra backend against
// the local Data API server): hits send no request, own writes update it,
// eviction keeps it under max_bytes, and ttl bounds staleness.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "local_data_api_server.h"
#include "lru_cache.h"
#include "scratch_dir.h"
#include "store_tier.h"

namespace bytestore {
namespace {

using testing::LocalDataApiServer;

class CacheLayer : public ::testing::Test {
 protected:
  std::unique_ptr<ByteStore> open(const std::string& cache_options, const std::string& extra = {}) {
    return open_yaml("stores:\n  s:\n    backend: astra\n    api_endpoint: " + server_.endpoint() +
                         "\n    token: '" + LocalDataApiServer::kToken +
                         "'\n    keyspace: default_keyspace\n    collection_name: bytes\n" + extra +
                         "    layers:\n      - { layer: cache, " + cache_options + " }\n",
                     "s");
  }
  std::uint64_t finds() const { return server_.count("find"); }

  LocalDataApiServer server_{BYTESTORE_DATA_API_SERVER};
};

std::vector<std::string> keys_named(const std::string& prefix, int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back(prefix + std::to_string(i));
  return keys;
}

TEST_F(CacheLayer, HitsSendNoRequest) {
  const auto keys = keys_named("k", 100);
  {
    auto writer = open("max_bytes: 1MiB");
    std::vector<KeyValue> pairs;
    for (const auto& k : keys) pairs.emplace_back(k, "value of " + k);
    writer->mset(pairs);
    server_.reset_stats();
    const auto values = writer->mget(keys);  // its own writes are cached
    EXPECT_EQ(finds(), 0u);
    EXPECT_EQ(values[7], "value of k7");
  }
  auto cold = open("max_bytes: 1MiB");
  server_.reset_stats();
  EXPECT_EQ(cold->mget(keys)[42], "value of k42");
  EXPECT_GE(finds(), 1u);
  server_.reset_stats();
  const auto again = cold->mget(keys);
  EXPECT_EQ(finds(), 0u) << "the second read of 100 keys is answered from memory";
  for (std::size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(again[i], "value of " + keys[i]);
}

TEST_F(CacheLayer, OwnWritesAndDeletesUpdateIt) {
  auto store = open("max_bytes: 1MiB");
  store->mset({{"k", "1"}});
  store->mset({{"k", "2"}, {"k", "3"}});  // the last value of a batch wins, here too
  store->mdelete({"gone"});
  server_.reset_stats();
  EXPECT_EQ(store->mget({"k"})[0], "3");
  store->mdelete({"k"});
  EXPECT_EQ(store->mget({"k"})[0], std::nullopt);
  EXPECT_EQ(finds(), 1u) << "a deleted key is asked again without a ttl";
}

TEST_F(CacheLayer, MissesAreCachedOnlyWithATtl) {
  auto plain = open("max_bytes: 1MiB");
  server_.reset_stats();
  plain->mget({"absent"});
  plain->mget({"absent"});
  EXPECT_EQ(finds(), 2u);
  auto with_ttl = open("max_bytes: 1MiB, ttl: 1h");
  server_.reset_stats();
  with_ttl->mget({"absent"});
  with_ttl->mget({"absent"});
  EXPECT_EQ(finds(), 1u);
}

TEST_F(CacheLayer, OtherWritersAreSeenAfterTheTtl) {
  auto store = open("max_bytes: 1MiB, ttl: 300ms");
  store->mset({{"k", "mine"}});
  // Another process overwrites it in the database.
  server_.command("default_keyspace/bytes",
                  {{"findOneAndReplace",
                    {{"filter", {{"_id", "k"}}}, {"replacement", {{"_id", "k"}, {"value", "dGhlaXJz"}}}}}});
  EXPECT_EQ(store->mget({"k"})[0], "mine");  // within the ttl: the cached value
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_EQ(store->mget({"k"})[0], "theirs");
}

TEST_F(CacheLayer, AFailedWriteLeavesNothingCached) {
  auto store = open("max_bytes: 1MiB", "    max_retries: 0\n");
  store->mget({"fresh"});
  server_.configure({{"fault", "reset_mid_body"}, {"next", 1}});  // applied, answer lost
  EXPECT_THROW(store->mset({{"fresh", "new"}}), Error);
  server_.reset_stats();
  EXPECT_EQ(store->mget({"fresh"})[0], "new");  // the store's truth, not a guess
  EXPECT_EQ(finds(), 1u);
}

// `store: NAME`: the cache in a local LMDB in front of Astra, kept across
// restarts of the program.
TEST_F(CacheLayer, AStoreTierServesReadsAcrossRestartsWithoutARequest) {
  testing::ScratchDir dir;
  const std::string yaml =
      "stores:\n  local: { backend: lmdb, path: '" + dir.file("tier") + "', sync: nosync }\n"
      "  cloud:\n    backend: astra\n    api_endpoint: " + server_.endpoint() + "\n    token: '" +
      LocalDataApiServer::kToken + "'\n    keyspace: default_keyspace\n    collection_name: bytes\n"
      "    layers:\n      - { layer: cache, store: local }\n";
  const auto keys = keys_named("doc/", 100);
  {
    auto cloud = Config::parse(yaml).open("cloud");
    std::vector<KeyValue> pairs;
    for (const auto& k : keys) pairs.emplace_back(k, "embedding of " + k);
    cloud->mset(pairs);
  }
  server_.reset_stats();
  {
    auto again = Config::parse(yaml).open("cloud");  // a new process would do the same
    const auto values = again->mget(keys);
    for (std::size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(values[i], "embedding of " + keys[i]);
  }
  EXPECT_EQ(finds(), 0u) << "answered from the local tier";
  // What the tier holds: the value behind a 9-byte header.
  const auto raw = Config::parse(yaml).open("local")->mget({"doc/7"})[0];
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), layers::StoreTier::kHeaderBytes + std::string("embedding of doc/7").size());
  EXPECT_EQ(raw->substr(layers::StoreTier::kHeaderBytes), "embedding of doc/7");
}

TEST(CacheStoreOption, NamesAnExistingOtherStoreWithoutCycles) {
  auto error_of = [](const std::string& yaml) {
    try {
      Config::parse(yaml).check();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_THAT(error_of("stores:\n  a:\n    backend: memory\n    layers: [ { layer: cache, store: lcoal } ]\n"
                       "  local: { backend: memory }\n"),
              ::testing::HasSubstr("option 'store': no store 'lcoal' (did you mean 'local'?)"));
  EXPECT_THAT(error_of("stores:\n  a:\n    backend: memory\n    layers: [ { layer: cache, store: a } ]\n"),
              ::testing::HasSubstr("option 'store' names the store itself"));
  EXPECT_THAT(error_of("stores:\n  a:\n    backend: memory\n    layers: [ { layer: cache, store: b } ]\n"
                       "  b:\n    backend: memory\n    layers: [ { layer: cache, store: a } ]\n"),
              ::testing::HasSubstr("makes a cycle: a -> b -> a"));
  EXPECT_EQ(error_of("stores:\n  a:\n    backend: memory\n    layers: [ { layer: cache, store: b } ]\n"
                     "  b: { backend: memory }\n"),
            "no error");
}

TEST(StoreTier, HeaderCarriesExpiryAndMisses) {
  using layers::StoreTier;
  const auto kept = StoreTier::decode(StoreTier::encode(std::string_view("v"), 0), 12345);
  ASSERT_TRUE(kept);
  EXPECT_TRUE(kept->hit);
  EXPECT_EQ(kept->value, "v");
  const auto miss = StoreTier::decode(StoreTier::encode(std::nullopt, 2000), 1000);
  ASSERT_TRUE(miss);
  EXPECT_TRUE(miss->hit);
  EXPECT_FALSE(miss->value);
  EXPECT_FALSE(StoreTier::decode(StoreTier::encode(std::string_view("v"), 1000), 1000));  // expired
  EXPECT_FALSE(StoreTier::decode("short", 0));                                          // not ours
  EXPECT_FALSE(StoreTier::decode(std::string(8, '\0') + "\x07rest", 0));
}

TEST(LruCache, StaysUnderMaxBytesEvictingTheLeastRecentlyUsed) {
  const std::size_t value = 1000, entry = layers::LruCache::kEntryOverhead + 2 + value;
  layers::LruCache cache(4 * entry, std::nullopt);
  for (int i = 0; i < 10; ++i) cache.wrote("k" + std::to_string(i), std::string(value, 'v'));
  EXPECT_EQ(cache.entries(), 4u);
  EXPECT_LE(cache.bytes(), 4 * entry);
  EXPECT_FALSE(cache.find("k0").hit);
  EXPECT_TRUE(cache.find("k6").hit);  // now the most recent
  cache.wrote("k10", std::string(value, 'v'));
  EXPECT_TRUE(cache.find("k6").hit);
  EXPECT_FALSE(cache.find("k7").hit);  // the least recent went
  cache.wrote("huge", std::string(10 * entry, 'x'));  // larger than the cache: not kept
  EXPECT_FALSE(cache.find("huge").hit);
  EXPECT_LE(cache.bytes(), 4 * entry);
}

TEST(LruCache, AReadRacingAWriteIsNotCached) {
  layers::LruCache cache(1 << 20, std::nullopt);
  const std::uint64_t before = cache.writes();
  cache.wrote("k", std::string("new"));
  cache.fill("k", std::string_view("old"), before);  // read before the write finished
  EXPECT_EQ(cache.find("k").value, "new");
}

TEST(LruCacheMemory, StaysWithinMaxBytesPlusTheStatedOverhead) {
  // 10,000 entries of 100-byte values in a 256 KiB cache.
  layers::LruCache cache(256 << 10, std::nullopt);
  for (int i = 0; i < 10'000; ++i) cache.wrote("key-" + std::to_string(i), std::string(100, 'v'));
  EXPECT_LE(cache.bytes(), 256u << 10);
  EXPECT_GE(cache.entries(), (256u << 10) / (layers::LruCache::kEntryOverhead + 110) - 1);
}

}  // namespace
}  // namespace bytestore
