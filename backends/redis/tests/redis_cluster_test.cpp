// The redis backend on a real Redis Cluster of three masters with one
// replica each (tests/support/local_redis.h), started once for the
// program: batches across hash slots, LangChain's store failing where this
// one does not, slots resharded under a stream of calls (MOVED and ASK
// followed), and a master killed mid-stream and mid-listing.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <set>
#include <thread>

#include "local_redis.h"
#include "subprocess.h"
#include "test_values.h"

namespace bytestore::redis {
namespace {

using ::testing::HasSubstr;
using bytestore::testing::hex;
using bytestore::testing::lines_of;
using bytestore::testing::LocalRedisCluster;
using bytestore::testing::pattern_value;

LocalRedisCluster* cluster = nullptr;

class Cluster : public ::testing::Environment {
 public:
  void SetUp() override { cluster = new LocalRedisCluster(); }
  void TearDown() override {
    delete cluster;
    cluster = nullptr;
  }
};

std::unique_ptr<ByteStore> open_cluster(const std::string& extra) {
  return open_yaml("stores: {r: {backend: redis, cluster: true, url: '" + cluster->seed_url() + "', " + extra +
                   "}}\ndefault: r\n");
}

std::string key_of(int batch, int k) { return std::to_string(batch) + "/" + std::to_string(k); }

TEST(Cluster, BatchesSpanSlotsAndAnswerInRequestOrder) {
  auto store = open_cluster("namespace: spread, connections: 1");
  EXPECT_FALSE(store->capabilities().atomic_batch);  // slots commit apart
  std::vector<KeyValue> pairs;
  std::vector<std::string> keys;
  for (int k = 0; k < 2000; ++k) {
    pairs.emplace_back(key_of(0, k), pattern_value(k, 64 + k % 300));
    keys.push_back(key_of(0, k));
  }
  store->mset(pairs);
  keys.insert(keys.begin() + 1000, "missing");
  const auto values = store->mget(keys);
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (i == 1000) {
      EXPECT_FALSE(values[i]);
      continue;
    }
    const int k = static_cast<int>(i < 1000 ? i : i - 1);
    ASSERT_EQ(values[i], pattern_value(k, 64 + k % 300)) << keys[i];
  }
  // Every key is where the cluster says its slot is.
  EXPECT_EQ(cluster->cli(cluster->master_of_key("spread/0/7"), {"GET", "spread/0/7"}).out,
            std::string(pattern_value(7, 71)) + "\n");
  std::size_t listed = 0;
  for (const std::string& key : store->yield_keys("0/")) listed += key.starts_with("0/");
  EXPECT_EQ(listed, 2000u);
  store->mdelete(std::vector<std::string>(keys.begin(), keys.end()));
  EXPECT_EQ(store->yield_keys("").begin(), store->yield_keys("").end());
}

TEST(Cluster, LangChainsOneMgetFailsAcrossSlotsWhereThisStoreDoesNot) {
  auto store = open_cluster("namespace: lc");
  store->mset({{"alpha", "1"}, {"beta", "2"}, {"gamma", "3"}});
  // RedisStore's mget is one MGET: the server refuses keys of two slots.
  const auto run = bytestore::testing::run_program(
      {BYTESTORE_LANGCHAIN_REDIS_STORE_SCRIPT, cluster->seed_url(), "lc", "-", "read"}, "alpha\nbeta\ngamma\n");
  EXPECT_NE(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr("same"));  // "...must map to the same key slot"
  // One key at a time it reads what this store wrote.
  const auto one = bytestore::testing::run_program(
      {BYTESTORE_LANGCHAIN_REDIS_STORE_SCRIPT, cluster->seed_url(), "lc", "-", "read"}, "beta\n");
  EXPECT_EQ(one.out, "beta\t" + hex("2") + "\n");
  EXPECT_EQ(store->mget({"alpha", "beta", "gamma"}), (std::vector<std::optional<Bytes>>{Bytes("1"), Bytes("2"), Bytes("3")}));
}

std::string node_id(int port) {
  std::string id = cluster->cli(port, {"CLUSTER", "MYID"}).out;
  while (!id.empty() && (id.back() == '\n' || id.back() == '\r')) id.pop_back();
  return id;
}

TEST(Cluster, SlotsReshardedUnderAStreamOfCallsAreFollowed) {
  auto store = open_cluster("namespace: moving");
  std::vector<KeyValue> pairs;
  for (int k = 0; k < 500; ++k) pairs.emplace_back(key_of(1, k), pattern_value(k, 200));
  store->mset(pairs);
  const std::vector<int> masters = cluster->master_ports();
  ASSERT_EQ(masters.size(), 3u);
  std::atomic<bool> moving{true};
  std::atomic<int> rounds{0};
  auto stream = std::async(std::launch::async, [&] {
    std::vector<std::string> keys;
    for (const auto& [key, value] : pairs) keys.push_back(key);
    while (moving) {
      const auto values = store->mget(keys);
      for (std::size_t k = 0; k < keys.size(); ++k)
        if (values[k] != pairs[k].second) throw std::runtime_error("wrong value for " + keys[k]);
      store->mset({pairs[rounds % pairs.size()]});
      ++rounds;
    }
  });
  const auto moved = bytestore::testing::run_program(
      {"/usr/bin/redis-cli", "--cluster", "reshard", "127.0.0.1:" + std::to_string(masters[0]), "--cluster-from",
       node_id(masters[0]), "--cluster-to", node_id(masters[1]), "--cluster-slots", "600", "--cluster-yes"});
  moving = false;
  stream.get();  // no wrong value, no error
  EXPECT_EQ(moved.exit_code, 0) << moved.out << moved.err;
  EXPECT_GT(rounds.load(), 0);
  std::printf("600 slots moved during %d rounds of a 500-key mget and a write\n", rounds.load());
  for (std::size_t k = 0; k < pairs.size(); ++k) ASSERT_EQ(store->mget({pairs[k].first})[0], pairs[k].second);
}

// A cluster node configured as a server: what it refuses says why.
TEST(Cluster, ANodeUsedAsAServerSaysToSetCluster) {
  auto store = open_yaml("stores: {r: {backend: redis, url: '" + cluster->seed_url() + "'}}\ndefault: r\n");
  const int seed = cluster->ports().front();
  std::string elsewhere;  // a key another master serves: MOVED
  for (int k = 0; elsewhere.empty(); ++k)
    if (cluster->master_of_key(key_of(8, k)) != seed) elsewhere = key_of(8, k);
  std::vector<std::string> spread;  // keys of many slots: CROSSSLOT
  for (int k = 0; k < 20; ++k) spread.push_back(key_of(7, k));
  for (const auto& [keys, answer] : {std::pair{std::vector<std::string>{elsewhere}, "MOVED"}, std::pair{spread, "CROSSSLOT"}}) {
    try {
      store->mget(keys);
      ADD_FAILURE() << "no " << answer;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::config) << e.what();
      EXPECT_THAT(e.what(), HasSubstr(answer));
      EXPECT_THAT(e.what(), HasSubstr("set cluster: true"));
    }
  }
}

// The sum over the masters of an INFO commandstats field of MGET.
long long mget_stat(const std::vector<int>& masters, const std::string& field) {
  long long total = 0;
  for (int port : masters) {
    const std::string info = cluster->cli(port, {"INFO", "commandstats"}).out;
    const std::size_t line = info.find("cmdstat_mget:");
    if (line == std::string::npos) continue;
    const std::size_t at = info.find(field + "=", line);
    if (at == std::string::npos || at > info.find('\n', line)) continue;
    total += std::stoll(info.substr(at + field.size() + 1));
  }
  return total;
}

// One slot of a batch in migration (ASK), then moved (MOVED): only that
// slot's command goes again; the rest of the batch is answered once.
TEST(Cluster, ARedirectedSlotIsSentAgainAloneAndTheRestOfTheBatchIsNot) {
  auto store = open_cluster("namespace: redirect");
  std::vector<KeyValue> pairs;
  std::vector<std::string> keys;
  for (int k = 0; k < 40; ++k) {
    pairs.emplace_back(key_of(9, k), pattern_value(k, 100));
    keys.push_back(key_of(9, k));
  }
  store->mset(pairs);
  const std::string moving = "redirect/" + keys[0];
  const int from = cluster->master_of_key(moving);
  const std::vector<int> masters = cluster->master_ports();
  const int to = masters[0] == from ? masters[1] : masters[0];
  const std::string slot = lines_of(cluster->cli(from, {"CLUSTER", "KEYSLOT", moving}).out).at(0);
  std::set<std::string> slots;
  for (const std::string& key : keys)
    slots.insert(lines_of(cluster->cli(from, {"CLUSTER", "KEYSLOT", "redirect/" + key}).out).at(0));
  const auto commands = static_cast<long long>(slots.size());
  ASSERT_EQ(cluster->cli(to, {"CLUSTER", "SETSLOT", slot, "IMPORTING", node_id(from)}).out, "OK\n");
  ASSERT_EQ(cluster->cli(from, {"CLUSTER", "SETSLOT", slot, "MIGRATING", node_id(to)}).out, "OK\n");
  ASSERT_EQ(cluster->cli(from, {"MIGRATE", "127.0.0.1", std::to_string(to), "", "0", "5000", "KEYS", moving}).out,
            "OK\n");

  for (int port : masters) cluster->cli(port, {"CONFIG", "RESETSTAT"});
  EXPECT_EQ(store->mget(keys)[0], pairs[0].second);  // asked, then read where it went
  EXPECT_EQ(mget_stat(masters, "calls"), commands);   // each slot's MGET ran once
  EXPECT_EQ(mget_stat(masters, "rejected_calls"), 1);  // and one was turned away: ASK
  store->mset({{keys[0], "written while migrating"}});
  EXPECT_EQ(store->mget({keys[0]})[0], Bytes("written while migrating"));

  for (int port : masters) cluster->cli(port, {"CLUSTER", "SETSLOT", slot, "NODE", node_id(to)});
  for (int port : masters) cluster->cli(port, {"CONFIG", "RESETSTAT"});
  const auto values = store->mget(keys);  // the store still thinks `from` has the slot: MOVED
  EXPECT_EQ(values[0], Bytes("written while migrating"));
  for (std::size_t k = 1; k < keys.size(); ++k) ASSERT_EQ(values[k], pairs[k].second) << keys[k];
  EXPECT_EQ(mget_stat(masters, "calls"), commands);
  EXPECT_EQ(mget_stat(masters, "rejected_calls"), 1);
  EXPECT_EQ(cluster->master_of_key(moving), to);
}

struct Stream {
  std::vector<int> acknowledged;  // batches the store said were written
  std::vector<Error> errors;
};

// Writes batches of 16 keys until told to stop.
Stream write_until(ByteStore& store, const std::atomic<bool>& stop) {
  Stream stream;
  for (int batch = 0; !stop; ++batch) {
    std::vector<KeyValue> pairs;
    for (int k = 0; k < 16; ++k) pairs.emplace_back(key_of(batch, k), pattern_value(batch * 100 + k, 256));
    try {
      store.mset(pairs);
      stream.acknowledged.push_back(batch);
    } catch (const Error& e) {
      stream.errors.push_back(e);
    }
  }
  return stream;
}

void expect_all_there(ByteStore& store, const Stream& stream) {
  for (int batch : stream.acknowledged)
    for (int k = 0; k < 16; ++k)
      ASSERT_EQ(store.mget({key_of(batch, k)})[0], pattern_value(batch * 100 + k, 256))
          << "acknowledged " << key_of(batch, k) << " lost";
}

// Last: the cluster is one replica short after it.
TEST(Failover, AKilledMasterIsReplacedAndNoAcknowledgedWriteIsLost) {
  auto going_on = open_cluster("namespace: on, max_retries: 12");
  auto waiting = open_cluster("namespace: waited, max_retries: 12, wait_replicas: 1, wait_timeout: 500ms");
  std::atomic<bool> stop{false};
  auto plain = std::async(std::launch::async, [&] { return write_until(*going_on, stop); });
  auto durable = std::async(std::launch::async, [&] { return write_until(*waiting, stop); });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const int victim = cluster->master_of_key("on/0/0");
  cluster->kill_node(victim);
  cluster->wait_until_healthy();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  stop = true;
  const Stream on = plain.get(), waited = durable.get();

  // The store went on through the failover: every batch written, none lost
  // (a replica may lack a write acknowledged just before the kill, which
  // is what wait_replicas is for: the page says so).
  for (const Error& e : on.errors) ADD_FAILURE() << "a write failed across the failover: " << e.what();
  EXPECT_GT(on.acknowledged.size(), 10u);
  // With wait_replicas: 1 every acknowledged write reached a replica, so
  // none is lost; the master left without a replica refuses to confirm.
  expect_all_there(*waiting, waited);
  for (const Error& e : waited.errors) {
    EXPECT_EQ(e.code(), Errc::unavailable) << e.what();
    EXPECT_THAT(e.what(), HasSubstr("replicas")) << e.what();
  }
  EXPECT_GT(waited.acknowledged.size(), 5u);
  std::printf("failover of master :%d: %zu batches written through it (%zu errors); with wait_replicas: 1, "
              "%zu acknowledged, %zu refused\n",
              victim, on.acknowledged.size(), on.errors.size(), waited.acknowledged.size(), waited.errors.size());
}

// After the test above: its victim's replica is now a master with no
// replica, so this one kills another master.
TEST(Failover, AListingGoesOnOnTheReplicaThatReplacedAKilledMaster) {
  const int without_replica = cluster->master_of_key("on/0/0");
  int victim = 0;
  for (int port : cluster->master_ports())
    if (port != without_replica) victim = port;
  ASSERT_NE(victim, 0);
  // Seeded by the master that stays (the first node was killed above).
  auto store = open_yaml("stores: {r: {backend: redis, cluster: true, url: 'redis://127.0.0.1:" +
                         std::to_string(without_replica) +
                         "', namespace: listed, max_retries: 12, page_size: 20}}\ndefault: r\n");
  std::vector<KeyValue> pairs;
  for (int k = 0; k < 600; ++k) pairs.emplace_back(key_of(5, k), pattern_value(k, 32));
  store->mset(pairs);
  std::multiset<std::string> listed;
  for (const std::string& key : store->yield_keys("5/")) {
    listed.insert(key);
    if (listed.size() == 50) cluster->kill_node(victim);  // pages of 20: mid-listing
  }
  EXPECT_EQ(listed.size(), pairs.size());  // each key once: the replica's repeats dropped
  for (const auto& [key, value] : pairs) EXPECT_EQ(listed.count(key), 1u) << key;
  cluster->wait_until_healthy();
}

}  // namespace
}  // namespace bytestore::redis

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new bytestore::redis::Cluster);
  return RUN_ALL_TESTS();
}
