// The redis backend against real servers (one standalone server for the
// program, tests/support/local_redis.h, and servers of their own where a
// test needs to break one): LangChain RedisStore's data both ways, TTLs,
// literal prefixes, and the faults a user meets, each with a clear error
// and nothing reported written that was not.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>

#include <chrono>
#include <fstream>
#include <future>
#include <map>
#include <memory>
#include <thread>

#include "killed_writer.h"
#include "local_data_api_server.h"
#include "local_redis.h"
#include "subprocess.h"
#include "test_values.h"

namespace bytestore::redis {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::UnorderedElementsAre;
using bytestore::testing::hex;
using bytestore::testing::lines_of;
using bytestore::testing::LocalRedis;
using bytestore::testing::pattern_value;
using bytestore::testing::run_program;

LocalRedis* server = nullptr;

class Server : public ::testing::Environment {
 public:
  void SetUp() override { server = new LocalRedis(); }
  void TearDown() override {
    delete server;
    server = nullptr;
  }
};

std::unique_ptr<ByteStore> open_redis(const std::string& url, const std::string& extra = {}) {
  return open_yaml("stores: {r: {backend: redis, url: '" + url + "'" + (extra.empty() ? "" : ", " + extra) +
                   "}}\ndefault: r\n");
}

std::vector<std::string> keys_of(ByteStore& store, const std::string& prefix) {
  std::vector<std::string> keys;
  for (const std::string& key : store.yield_keys(prefix)) keys.push_back(key);
  return keys;
}

// LangChain's RedisStore, as tests/support/langchain_redis_store.py plays it.
bytestore::testing::Finished langchain(const std::string& url, const std::string& name_space, const std::string& ttl,
                                       const std::vector<std::string>& command, const std::string& input = {}) {
  std::vector<std::string> argv{BYTESTORE_LANGCHAIN_REDIS_STORE_SCRIPT, url, name_space, ttl};
  argv.insert(argv.end(), command.begin(), command.end());
  auto run = run_program(argv, input);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run;
}

long long pttl(const std::string& stored_key) {
  return std::stoll(server->cli({"PTTL", stored_key}).out);
}

TEST(LangChain, WhatRedisStoreWritesThisBackendReads) {
  const Bytes binary = pattern_value(1, 3000);
  langchain(server->url(), "lc-in", "60", {"write"}, "plain\t" + hex("text value") + "\nnested/key\t" + hex(binary) + "\n");
  auto store = open_redis(server->url(), "namespace: lc-in");
  const auto values = store->mget({"plain", "nested/key", "absent"});
  EXPECT_EQ(values[0], Bytes("text value"));
  EXPECT_EQ(values[1], binary);
  EXPECT_FALSE(values[2]);
  EXPECT_THAT(keys_of(*store, ""), UnorderedElementsAre("plain", "nested/key"));
  // LangChain's ttl is there on what it wrote: EX 60.
  EXPECT_GT(pttl("lc-in/plain"), 50'000);
  EXPECT_LE(pttl("lc-in/plain"), 60'000);
}

TEST(LangChain, WhatThisBackendWritesRedisStoreReads) {
  auto store = open_redis(server->url(), "namespace: lc-out, ttl: 30s");
  EXPECT_TRUE(store->capabilities().may_expire);
  const Bytes with_nul("a\0b\xff", 4);
  store->mset({{"one", "first"}, {"two", with_nul}, {"deep/er", pattern_value(2, 5000)}});
  const auto read = lines_of(langchain(server->url(), "lc-out", "-", {"read"}, "one\ntwo\ndeep/er\nnone\n").out);
  EXPECT_THAT(read, ::testing::ElementsAre("one\t" + hex("first"), "two\t" + hex(with_nul),
                                           "deep/er\t" + hex(pattern_value(2, 5000)), "none\t-"));
  EXPECT_THAT(lines_of(langchain(server->url(), "lc-out", "-", {"list"}).out),
              UnorderedElementsAre("one", "two", "deep/er"));
  // Every write set the store's ttl, as LangChain's SET ... EX does.
  for (const char* key : {"lc-out/one", "lc-out/two", "lc-out/deep/er"}) {
    EXPECT_GT(pttl(key), 20'000) << key;
    EXPECT_LE(pttl(key), 30'000) << key;
  }
  // And what LangChain deletes is gone for this backend too.
  langchain(server->url(), "lc-out", "-", {"delete"}, "one\n");
  EXPECT_FALSE(store->mget({"one"})[0]);
}

TEST(LangChain, WithoutANamespaceKeysAreStoredAsTheyAre) {
  auto store = open_redis(server->url());
  store->mset({{"bare-key", "v"}});
  EXPECT_EQ(server->cli({"GET", "bare-key"}).out, "v\n");
  EXPECT_EQ(pttl("bare-key"), -1);  // no ttl: no expiry
  EXPECT_FALSE(store->capabilities().may_expire);
  store->mdelete({"bare-key"});
}

TEST(Ttl, ValuesExpireAfterTheTtl) {
  auto store = open_redis(server->url(), "namespace: expiring, ttl: 150ms");
  store->mset({{"soon", "gone"}});
  EXPECT_EQ(store->mget({"soon"})[0], Bytes("gone"));
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  EXPECT_FALSE(store->mget({"soon"})[0]);
  EXPECT_THAT(keys_of(*store, ""), ::testing::IsEmpty());
}

TEST(Prefixes, GlobCharactersListLiterally) {
  auto store = open_redis(server->url(), "namespace: 'gl*b?'");
  const std::vector<std::string> keys{"a*b", "a?c", "a[x]", "a]y", "a\\d", "ab", "aXb", "a\\\\e"};
  std::vector<KeyValue> pairs;
  for (const std::string& key : keys) pairs.emplace_back(key, "v:" + key);
  store->mset(pairs);
  // A namespace with glob characters bounds the listing literally too:
  // "glXb?" keys are not this store's.
  open_redis(server->url(), "namespace: 'glXbZ'")->mset({{"a*b", "other namespace"}});
  EXPECT_THAT(keys_of(*store, "a*"), UnorderedElementsAre("a*b"));
  EXPECT_THAT(keys_of(*store, "a?"), UnorderedElementsAre("a?c"));
  EXPECT_THAT(keys_of(*store, "a["), UnorderedElementsAre("a[x]"));
  EXPECT_THAT(keys_of(*store, "a]"), UnorderedElementsAre("a]y"));
  EXPECT_THAT(keys_of(*store, "a\\"), UnorderedElementsAre("a\\d", "a\\\\e"));
  EXPECT_THAT(keys_of(*store, "a\\\\"), UnorderedElementsAre("a\\\\e"));
  EXPECT_THAT(keys_of(*store, "a"), ::testing::SizeIs(keys.size()));
  EXPECT_THAT(keys_of(*store, ""), ::testing::SizeIs(keys.size()));
  // LangChain's own listing takes the prefix as a pattern, and misses.
  EXPECT_THAT(lines_of(langchain(server->url(), "gl*b?", "-", {"list", "a"}).out), ::testing::IsEmpty());
}

TEST(Faults, AWrongPasswordIsUnauthorizedAndNeverQuoted) {
  const std::string wrong = "not-the-password-93ff";
  const std::string message = EXPECT_ERRC(open_redis(server->url(), std::string("username: ") + LocalRedis::kAclUser +
                                                                        ", password: " + wrong),
                                          Errc::unauthorized);
  EXPECT_THAT(message, HasSubstr("WRONGPASS"));
  EXPECT_THAT(message, Not(HasSubstr(wrong)));
  // Inside the url, too.
  const std::string in_url = "redis://" + std::string(LocalRedis::kAclUser) + ":" + wrong + "@127.0.0.1:" +
                             std::to_string(server->port()) + "/0";
  EXPECT_THAT(EXPECT_ERRC(open_redis(in_url), Errc::unauthorized), Not(HasSubstr(wrong)));
}

TEST(Faults, AUserWithoutWriteRightsIsUnauthorizedAndWritesNothing) {
  auto store = open_redis(server->url(), std::string("username: ") + LocalRedis::kReadOnlyUser + ", password: " +
                                             LocalRedis::kReadOnlyPassword + ", namespace: ro");
  EXPECT_FALSE(store->mget({"k"})[0]);
  const std::string message = EXPECT_ERRC(store->mset({{"k", "v"}}), Errc::unauthorized);
  EXPECT_THAT(message, HasSubstr("NOPERM"));
  EXPECT_THAT(message, Not(HasSubstr(LocalRedis::kReadOnlyPassword)));
  EXPECT_EQ(server->cli({"EXISTS", "ro/k"}).out, "0\n");
}

TEST(Faults, OutOfMemoryIsUnavailableInTheServersWordsAndWritesNothing) {
  LocalRedis own;
  own.cli({"CONFIG", "SET", "maxmemory", "2mb"});
  own.cli({"CONFIG", "SET", "maxmemory-policy", "noeviction"});
  auto store = open_redis(own.url());
  const Bytes big(3 << 20, 'x');
  store->mset({{"fits", "small"}});
  for (int i = 0;; ++i) {
    // The first batch past the limit fails whole: MULTI/EXEC.
    try {
      store->mset({{"first-" + std::to_string(i), big}, {"second-" + std::to_string(i), "small"}});
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::unavailable) << e.what();
      EXPECT_THAT(e.what(), HasSubstr("OOM"));
      EXPECT_FALSE(store->mget({"second-" + std::to_string(i)})[0]);
      break;
    }
    ASSERT_LT(i, 3) << "maxmemory never refused a write";
  }
}

TEST(Faults, AServerThatIsGoneIsUnavailableNamingIt) {
  auto own = std::make_unique<LocalRedis>();
  auto store = open_redis(own->url(), "max_retries: 2");
  store->mset({{"k", "v"}});
  const int port = own->port();
  own.reset();
  const std::string message = EXPECT_ERRC(store->mget({"k"}), Errc::unavailable);
  EXPECT_THAT(message, HasSubstr("127.0.0.1:" + std::to_string(port)));
  EXPECT_ERRC(open_redis("redis://127.0.0.1:" + std::to_string(port) + "/0", "max_retries: 1"), Errc::unavailable);
}

TEST(Faults, AServerRestartedMidStreamIsReconnectedTo) {
  LocalRedis own;
  auto store = open_redis(own.url(), "max_retries: 8");
  store->mset({{"before", "1"}});
  own.stop();
  // The write retries while the server is down and lands once it is back.
  // (The server is started on this thread: it dies with the thread that
  // started it.)
  auto write = std::async(std::launch::async, [&] { store->mset({{"during", "2"}}); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  own.start();
  write.get();
  EXPECT_EQ(store->mget({"during"})[0], Bytes("2"));
  EXPECT_EQ(own.cli({"GET", "during"}).out, "2\n");
}

TEST(Faults, ARequestTimeoutDropsTheConnectionAndSaysSo) {
  LocalRedis own;
  auto store = open_redis(own.url(), "request_timeout: 200ms, max_retries: 0");
  store->mset({{"k", "v"}});
  // The server answers no client for a second.
  own.cli({"CLIENT", "PAUSE", "1000", "ALL"});
  EXPECT_THAT(EXPECT_ERRC(store->mget({"k"}), Errc::unavailable), HasSubstr("request_timeout"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  EXPECT_EQ(store->mget({"k"})[0], Bytes("v"));
}

// The clients connected to the test's server, redis-cli's own included.
std::size_t clients() { return lines_of(server->cli({"CLIENT", "LIST"}).out).size(); }

void wait_until_clients(std::size_t count) {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (clients() > count) {
    ASSERT_LT(std::chrono::steady_clock::now(), give_up) << "the killed writer's connections stayed open";
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

TEST(Crash, AKilledWriterLeavesEveryBatchWholeOrAbsent) {
  const std::size_t baseline = clients();
  int acknowledged = 0, torn = 0;
  for (int iteration = 0; iteration < 10; ++iteration) {
    const auto writer = bytestore::testing::kill_writer(
        1 + iteration % 3, std::chrono::microseconds(iteration * 2000), [&](const bytestore::testing::Acknowledge& ack) {
          auto store = open_redis(server->url(), "namespace: crash");
          for (int batch = 0;; ++batch) {
            std::vector<KeyValue> pairs;
            for (int k = 0; k < 200; ++k)
              pairs.emplace_back(std::to_string(iteration) + "/" + std::to_string(batch) + "/" + std::to_string(k),
                                 std::string(4096, static_cast<char>('a' + batch % 26)));
            store->mset(pairs);
            ack(batch);
          }
        });
    ASSERT_TRUE(writer.killed) << writer.exit_code;
    // What the writer sent before it died may still be in the server's
    // socket buffer: once its connections are gone, the server has run all
    // of it (a whole transaction, or nothing).
    wait_until_clients(baseline);
    // Opened only between kills: a store runs a thread of its own, and a
    // child forked while another thread holds a lock could never take it.
    auto reader = open_redis(server->url(), "namespace: crash");
    std::map<int, int> per_batch;
    for (const std::string& key : reader->yield_keys(std::to_string(iteration) + "/"))
      ++per_batch[std::stoi(key.substr(key.find('/') + 1))];
    for (int b = 0; b <= writer.last_acknowledged; ++b) EXPECT_EQ(per_batch[b], 200) << "acknowledged batch " << b;
    for (const auto& [b, n] : per_batch) torn += n != 200;
    acknowledged += writer.last_acknowledged + 1;
  }
  std::printf("10 kills: %d batches acknowledged, %d torn\n", acknowledged, torn);
  EXPECT_EQ(torn, 0);
}

TEST(Faults, FewerReplicasThanWaitReplicasIsUnavailableSayingHowMany) {
  // The test's server has no replica: WAIT 1 times out with 0.
  auto store = open_redis(server->url(), "namespace: waits, wait_replicas: 1, wait_timeout: 100ms");
  const std::string message = EXPECT_ERRC(store->mset({{"k", "v"}}), Errc::unavailable);
  EXPECT_THAT(message, HasSubstr("only 0 of the 1 replicas"));
  // The write is not undone: the message says it may still reach them.
  EXPECT_EQ(store->mget({"k"})[0], Bytes("v"));
  EXPECT_ERRC(store->mdelete({"k"}), Errc::unavailable);
}

TEST(Tls, AServerTheCaDoesNotVouchForIsRefused) {
  bytestore::testing::TestCertificate served, other;
  LocalRedis own(LocalRedis::Setup{.tls = &served});
  const std::string message = EXPECT_ERRC(open_redis(own.url(), "ca_file: " + other.cert_file() + ", max_retries: 0"),
                                          Errc::unavailable);
  EXPECT_THAT(message, HasSubstr("TLS handshake failed"));
  // The right CA works.
  open_redis(own.url(), "ca_file: " + served.cert_file())->mset({{"k", "v"}});
}

TEST(Config, APasswordIsNeverShownAndNeverSentInCleartextToAnotherHost) {
  bytestore::testing::ScratchDir dir;
  const std::string config = dir.file("bytestore.yaml");
  {
    std::ofstream out(config);
    out << "stores:\n  local: {backend: redis, url: 'redis://app:url-secret-77@127.0.0.1:" << server->port()
        << "/0'}\n  remote: {backend: redis, url: 'redis://:remote-secret-12@cache.example.com:6379'}\n"
        << "  allowed: {backend: redis, url: 'redis://cache.example.com', password: pw-secret-3, "
           "cleartext_password: true}\n"
        << "  lookalike: {backend: redis, url: 'redis://:look-secret-5@127.example.com:6379'}\ndefault: local\n";
  }
  const auto show = run_program({BYTESTORE_CLI_PATH, "-c", config, "config", "show"});
  EXPECT_THAT(show.out + show.err, Not(HasSubstr("url-secret-77")));
  EXPECT_THAT(show.out + show.err, Not(HasSubstr("remote-secret-12")));
  EXPECT_THAT(show.out + show.err, Not(HasSubstr("pw-secret-3")));
  const auto info = run_program({BYTESTORE_CLI_PATH, "-c", config, "info"});
  EXPECT_THAT(info.out, HasSubstr("redis://app:***@127.0.0.1:"));
  EXPECT_THAT(info.out + info.err, Not(HasSubstr("url-secret-77")));
  const auto remote = run_program({BYTESTORE_CLI_PATH, "-c", config, "-s", "remote", "get", "k"});
  EXPECT_EQ(remote.exit_code, 2);
  EXPECT_THAT(remote.err, HasSubstr("cleartext"));
  EXPECT_THAT(remote.err, Not(HasSubstr("remote-secret-12")));
  // A name that only starts like a loopback address is another host.
  const auto lookalike = run_program({BYTESTORE_CLI_PATH, "-c", config, "-s", "lookalike", "get", "k"});
  EXPECT_EQ(lookalike.exit_code, 2);
  EXPECT_THAT(lookalike.err, HasSubstr("cleartext"));
  const auto check = run_program({BYTESTORE_CLI_PATH, "-c", config, "config", "check"});
  EXPECT_EQ(check.exit_code, 2) << check.out << check.err;
}

// A host name that starts with an IPv4 address is not taken for that
// address (Boost.URL 1.81 would read 127.0.0.1.nip.io as 127.0.0.1).
TEST(Config, AHostNameStartingWithAnAddressIsNotThatAddress) {
  for (const std::string& url : {"redis://:pw-9@127.0.0.1.nip.io:" + std::to_string(server->port()) + "/0",
                                std::string("redis://127.0.0.1.nip.io")}) {
    try {
      open_redis(url, "");
      ADD_FAILURE() << url << " opened";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::config) << e.what();
      EXPECT_THAT(e.what(), HasSubstr("127.0.0.1.nip.io"));
      EXPECT_THAT(e.what(), HasSubstr("starts with an IPv4 address"));
      EXPECT_THAT(e.what(), Not(HasSubstr("pw-9")));
    }
  }
}

}  // namespace
}  // namespace bytestore::redis

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new bytestore::redis::Server);
  return RUN_ALL_TESTS();
}
