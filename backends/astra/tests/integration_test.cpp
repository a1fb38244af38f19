// The astra backend against the local Data API server: LangChain's format
// both ways, request counts, limits before any request, faults, and the
// token kept out of every message.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <iostream>
#include <thread>

#include "../base64.h"
#include "local_data_api_server.h"

namespace bytestore {
namespace {

namespace json = boost::json;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::LocalDataApiServer;

const std::string kServer = BYTESTORE_DATA_API_SERVER;

class Astra : public ::testing::Test {
 protected:
  // A fresh server per test, so counts and data start at zero.
  void start(std::vector<std::string> flags = {}) {
    server_ = std::make_unique<LocalDataApiServer>(kServer, std::move(flags));
  }

  std::string yaml(const std::string& extra = {}, const std::string& token = LocalDataApiServer::kToken) {
    return "stores:\n  s:\n    backend: astra\n    api_endpoint: " + server_->endpoint() +
           "\n    token: '" + token + "'\n    keyspace: default_keyspace\n    collection_name: bytes\n" +
           extra;
  }

  std::unique_ptr<ByteStore> open_store(const std::string& extra = {}) {
    return open_yaml(yaml(extra), "s");
  }

  json::array find_all() {
    const json::value r = server_->command("default_keyspace/bytes", {{"find", {{"filter", json::object{}}}}});
    return r.at("data").at("documents").as_array();
  }

  std::unique_ptr<LocalDataApiServer> server_;
};

std::vector<std::string> keys_named(const std::string& prefix, int n) {
  std::vector<std::string> keys;
  for (int i = 0; i < n; ++i) keys.push_back(prefix + std::to_string(i));
  return keys;
}

TEST_F(Astra, ReadsCollectionsWrittenInLangChainsFormat) {
  start();
  // As LangChain's AstraDBByteStore leaves them: its indexing, its documents.
  server_->command("default_keyspace", {{"createCollection",
                                         {{"name", "bytes"},
                                          {"options", {{"indexing", {{"allow", json::array{"_id"}}}}}}}}});
  const std::string binary("\x00\xff\x10 bytes", 9);
  server_->command("default_keyspace/bytes",
                   {{"insertMany",
                     {{"documents", json::array{{{"_id", "doc:1"}, {"value", astra::base64_encode(binary)}},
                                                {{"_id", "doc:2"}, {"value", astra::base64_encode("")}},
                                                {{"_id", "other"}, {"value", astra::base64_encode("x")}}}}}}});
  auto store = open_store();
  EXPECT_EQ(store->mget({"doc:1", "doc:2", "missing"}),
            (std::vector<std::optional<Bytes>>{binary, Bytes(), std::nullopt}));
  std::vector<std::string> listed;
  for (const std::string& k : store->yield_keys("doc:")) listed.push_back(k);
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, (std::vector<std::string>{"doc:1", "doc:2"}));
}

TEST_F(Astra, WritesExactlyLangChainsFormat) {
  start();
  auto store = open_store();
  store->mset({{"k1", std::string("\x00\x01\xfe", 3)}, {"k2", ""}});
  store->mset({{"k1", "over"}});  // an overwrite keeps the format
  json::array docs = find_all();
  ASSERT_EQ(docs.size(), 2u);
  std::sort(docs.begin(), docs.end(), [](const json::value& a, const json::value& b) {
    return a.at("_id").as_string() < b.at("_id").as_string();
  });
  EXPECT_EQ(json::serialize(docs[0]), R"({"_id":"k1","value":"b3Zlcg=="})");
  EXPECT_EQ(json::serialize(docs[1]), R"({"_id":"k2","value":""})");
  const json::value collections =
      server_->command("default_keyspace", {{"findCollections", {{"options", {{"explain", true}}}}}});
  const json::value& first = collections.at("status").at("collections").at(0);
  EXPECT_EQ(first.at("name"), "bytes");
  EXPECT_EQ(json::serialize(first.at("options").at("indexing")), R"({"allow":["_id"]})");
}

TEST_F(Astra, ThousandKeysInFewRequests) {
  start();
  auto store = open_store();
  const auto keys = keys_named("key-", 1000);
  std::vector<KeyValue> pairs;
  for (const auto& k : keys) pairs.emplace_back(k, "value of " + k);
  server_->reset_stats();
  store->mset(pairs);
  EXPECT_LE(server_->count("insertMany"), 10u);
  EXPECT_EQ(server_->count("findOneAndReplace"), 0u) << "new keys need no replace";
  server_->reset_stats();
  const auto values = store->mget(keys);
  EXPECT_LE(server_->count("find"), 10u);
  for (std::size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(values[i], "value of " + keys[i]);
  // Overwriting replaces exactly the documents that existed.
  pairs.resize(150);
  for (auto& [k, v] : pairs) v = "new";
  pairs.emplace_back("fresh", "f");
  server_->reset_stats();
  store->mset(pairs);
  EXPECT_EQ(server_->count("findOneAndReplace"), 150u);
  EXPECT_EQ(store->mget({keys[0], "fresh"}), (std::vector<std::optional<Bytes>>{"new", "f"}));
  store->mdelete(keys);
  EXPECT_EQ(store->mget(keys), std::vector<std::optional<Bytes>>(keys.size()));
  EXPECT_EQ(find_all().size(), 1u);  // only "fresh"
}

// The real server never counts `_id` as an inclusion: {"_id": 1} would
// return whole documents. Listing and replacing must exclude the value.
class AstraListing : public Astra, public ::testing::WithParamInterface<bool> {};

TEST_P(AstraListing, TransfersNoValues) {
  const bool legacy = GetParam();
  start(legacy ? std::vector<std::string>{"--legacy"} : std::vector<std::string>{});
  auto store = open_store();
  std::vector<KeyValue> pairs;
  for (const auto& k : keys_named("list/", 1000)) pairs.emplace_back(k, std::string(100'000, 'v'));
  store->mset(pairs);
  pairs.resize(10);
  for (auto& kv : pairs) kv.first = "other/" + kv.first;
  store->mset(pairs);
  for (const std::string prefix : {"list/", ""}) {
    server_->reset_stats();
    std::size_t listed = 0;
    for (const std::string& k : store->yield_keys(prefix)) listed += k.starts_with(prefix);
    EXPECT_EQ(listed, prefix.empty() ? 1010u : 1000u) << "prefix '" << prefix << "'";
    const auto sent = server_->stats().at("bytes_sent").to_number<std::uint64_t>();
    std::cout << "[ figures  ] listing '" << prefix << "' (" << (legacy ? "legacy" : "current")
              << "): " << server_->count("find") << " finds, " << sent << " bytes of responses\n";
    // 1,000 values are over 133 MB of base64; the keys are ~20 KB.
    EXPECT_LT(sent, 200'000u) << "listing '" << prefix << "' downloaded " << sent << " bytes";
    EXPECT_GE(server_->count("find"), 1u);
  }
  // Overwrites replace without reading the old value back either.
  pairs.resize(10);
  for (auto& kv : pairs) kv.second = "new";
  server_->reset_stats();
  store->mset(pairs);
  EXPECT_EQ(server_->count("findOneAndReplace"), 10u);
  EXPECT_LT(server_->stats().at("bytes_sent").to_number<std::uint64_t>(), 20'000u);
  EXPECT_EQ(store->mget({pairs[0].first})[0], "new");
}

INSTANTIATE_TEST_SUITE_P(CurrentAndLegacy, AstraListing, ::testing::Bool(),
                         [](const auto& info) { return info.param ? "legacy" : "current"; });

TEST_F(Astra, ValuesOverEightKilobytesWork) {
  start();
  auto store = open_store();
  const std::string big(200'000, '\x7f');
  store->mset({{"big", big}});
  EXPECT_EQ(store->mget({"big"})[0], big);
}

TEST_F(Astra, LimitsAreRefusedBeforeAnyRequest) {
  start();
  auto store = open_store();
  server_->reset_stats();
  try {
    store->mset({{std::string(8001, 'k'), "v"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::limit_exceeded);
    EXPECT_THAT(e.what(), HasSubstr("8000-byte limit"));
  }
  try {
    store->mset({{"ok", "v"}, {"big", std::string(3'000'000, 'x')}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::limit_exceeded);
    EXPECT_THAT(e.what(), HasSubstr("2963982-byte limit"));
  }
  EXPECT_EQ(server_->stats().at("total").to_number<std::uint64_t>(), 0u);
  // The largest advertised value with the longest key still fits.
  store->mset({{std::string(8000, 'k'), std::string(store->capabilities().max_value_bytes, 'x')}});
}

TEST_F(Astra, CollectionWithOtherSettingsIsAConfigErrorSayingWhatDiffers) {
  start();
  server_->command("default_keyspace", {{"createCollection", {{"name", "bytes"}}}});
  try {
    open_store();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    EXPECT_THAT(e.what(), HasSubstr("collection 'bytes' exists with options"));
    EXPECT_THAT(e.what(), HasSubstr(R"({"indexing":{"allow":["_id"]}})"));
  }
  EXPECT_NE(open_store("    setup_mode: off\n"), nullptr);
}

TEST_F(Astra, AFullDatabaseIsAConfigErrorSayingWhatToDo) {
  start({"--max-collections", "2"});
  for (const char* name : {"one", "two"})
    server_->command("default_keyspace", {{"createCollection", {{"name", name}}}});
  try {
    open_store();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    EXPECT_THAT(e.what(), HasSubstr("TOO_MANY_COLLECTIONS"));
    EXPECT_THAT(e.what(), HasSubstr("the database is full"));
    EXPECT_THAT(e.what(), HasSubstr("delete a collection it no longer needs"));
  }
  // An existing collection of the store's own still opens.
  server_->command("default_keyspace", {{"deleteCollection", {{"name", "two"}}}});
  open_store()->mset({{"k", "v"}});
  // The index budget spent: the same advice.
  server_->configure({{"max_collections", 0}, {"max_indexes", 12}});
  try {
    open_yaml(yaml().replace(yaml().find("collection_name: bytes"), 22, "collection_name: more"), "s");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    EXPECT_THAT(e.what(), HasSubstr("TOO_MANY_INDEXES_FOR_COLLECTION"));
    EXPECT_THAT(e.what(), HasSubstr("the database is full"));
  }
}

TEST_F(Astra, SetupModesAndPreDelete) {
  start();
  open_store()->mset({{"a", "1"}});
  EXPECT_EQ(open_store("    setup_mode: async\n")->mget({"a"})[0], "1");
  EXPECT_EQ(open_store("    setup_mode: off\n")->mget({"a"})[0], "1");
  EXPECT_EQ(open_store("    pre_delete_collection: true\n")->mget({"a"})[0], std::nullopt);
  try {
    open_store("    setup_mode: off\n    pre_delete_collection: true\n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
  }
}

TEST_F(Astra, WrongTokenIsUnauthorizedAndNeverQuoted) {
  start();
  const std::string wrong = "AstraCS:wrong-secret-value";
  try {
    open_yaml(yaml("", wrong), "s");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unauthorized);
    EXPECT_THAT(e.what(), Not(HasSubstr("wrong-secret-value")));
    EXPECT_THAT(e.what(), Not(HasSubstr(LocalDataApiServer::kToken)));
  }
  const Config config = Config::parse(yaml("", wrong));
  EXPECT_THAT(config.show(), Not(HasSubstr("wrong-secret-value")));
  EXPECT_THAT(config.show(), HasSubstr("token: <redacted>"));
}

TEST_F(Astra, UsernameAndPasswordLogin) {
  start({"--user", "cassandra", "--password", "pw"});
  auto store = open_yaml("stores:\n  s:\n    backend: astra\n    api_endpoint: " + server_->endpoint() +
                             "\n    username: cassandra\n    password: pw\n    keyspace: default_keyspace\n"
                             "    collection_name: bytes\n",
                         "s");
  store->mset({{"k", "v"}});
  EXPECT_EQ(store->mget({"k"})[0], "v");
}

TEST_F(Astra, OlderServersPageInResultsAndRejectRanges) {
  start({"--legacy"});
  auto store = open_store();
  std::vector<KeyValue> pairs;
  for (const auto& k : keys_named("old/", 450)) pairs.emplace_back(k, k);
  pairs.emplace_back("other", "o");
  store->mset(pairs);
  std::vector<std::string> keys;
  for (const auto& [k, v] : pairs) keys.push_back(k);
  const auto values = store->mget(keys);
  for (std::size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(values[i], pairs[i].second);
  std::size_t listed = 0;
  for (const std::string& k : store->yield_keys("old/")) listed += k.starts_with("old/");
  EXPECT_EQ(listed, 450u);
}

TEST_F(Astra, TransientFailuresAreRetriedAndLoseNothing) {
  start({"--seed", "3"});
  auto store = open_store("    max_retries: 10\n    request_timeout: 1s\n");
  server_->configure({{"fail_rate", 0.3},
                      {"fail_modes", "429,503,reset,reset_mid_body,truncated_json,timeout"},
                      {"timeout_hold_ms", 2000}});
  std::vector<KeyValue> pairs;
  for (const auto& k : keys_named("f/", 2000)) pairs.emplace_back(k, "v" + k);
  store->mset(pairs);
  for (auto& [k, v] : pairs) v += "+";  // overwrites: insert, then replace
  pairs.resize(300);
  store->mset(pairs);
  store->mdelete({"f/0", "f/1"});
  std::vector<std::string> keys;
  for (const auto& k : keys_named("f/", 2000)) keys.push_back(k);
  const auto during = store->mget(keys);
  const json::object stats = server_->stats();
  server_->configure({{"fail_rate", 0}});
  EXPECT_GE(stats.at("faults").as_object().size(), 3u) << json::serialize(stats);
  // Checked with faults on and again with them off.
  for (const auto& values : {during, store->mget(keys)}) {
    EXPECT_EQ(values[0], std::nullopt);
    EXPECT_EQ(values[1], std::nullopt);
    for (std::size_t i = 2; i < keys.size(); ++i)
      ASSERT_EQ(values[i], "v" + keys[i] + (i < 300 ? "+" : "")) << keys[i];
  }
}

TEST_F(Astra, StormsAndStallsBeyondRetriesAreUnavailable) {
  start();
  auto store = open_store("    max_retries: 2\n    request_timeout: 300ms\n");
  server_->configure({{"fail_rate", 1.0}, {"fail_modes", "429"}});
  try {
    store->mset({{"k", "v"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unavailable);
    EXPECT_THAT(e.what(), HasSubstr("gave up after 3 attempts; last: HTTP 429"));
  }
  server_->configure({{"fail_rate", 0}, {"latency_ms", 1000}});
  try {
    store->mget({"k"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unavailable);
    EXPECT_THAT(e.what(), HasSubstr("gave up after 3 attempts"));
  }
  server_->configure({{"latency_ms", 0}});
  EXPECT_EQ(store->mget({"k"})[0], std::nullopt);  // the refused write left nothing
}

TEST_F(Astra, NonRetryableErrorsInA200FailAtOnceNamingTheCode) {
  start();
  auto store = open_store("    max_retries: 5\n");
  server_->reset_stats();
  server_->configure({{"fail_rate", 1.0}, {"fail_modes", "errors_200"}});
  try {
    store->mget({"k"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unavailable);
    EXPECT_THAT(e.what(), HasSubstr("UNEXPECTED_SERVER_ERROR"));
  }
  EXPECT_EQ(server_->count("find"), 1u) << "not retried";
}

// The database errors the server answers at HTTP 200 and calls retryable.
TEST_F(Astra, RetryableErrorsInA200AreRetriedAndAWriteThatLandedIsOverwritten) {
  start();
  auto store = open_store("    max_retries: 3\n");
  std::vector<KeyValue> pairs;
  for (const auto& k : keys_named("t/", 10)) pairs.emplace_back(k, "first " + k);
  // Not applied: the insert is simply sent again.
  server_->configure({{"fault", "db_timeout"}, {"next", 1}});
  server_->reset_stats();
  store->mset(pairs);
  EXPECT_EQ(server_->count("insertMany"), 2u);
  EXPECT_EQ(server_->count("findOneAndReplace"), 0u);
  // Applied, then answered with a timeout: the second attempt finds every
  // document present and replaces it with the value asked for.
  for (auto& kv : pairs) kv.first = "u/" + kv.first;
  server_->configure({{"fault", "db_timeout_applied"}, {"next", 1}});
  server_->reset_stats();
  store->mset(pairs);
  EXPECT_EQ(server_->count("insertMany"), 2u);
  EXPECT_EQ(server_->count("findOneAndReplace"), 10u);
  // Reads and deletes too.
  server_->configure({{"fault", "db_unavailable"}, {"next", 1}});
  server_->reset_stats();
  std::vector<std::string> keys;
  for (const auto& [k, v] : pairs) keys.push_back(k);
  const auto values = store->mget(keys);
  EXPECT_EQ(server_->count("find"), 2u);
  for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(values[i], pairs[i].second);
  server_->configure({{"fault", "db_timeout_applied"}, {"next", 1}});
  store->mdelete({keys[0]});
  EXPECT_EQ(store->mget({keys[0]})[0], std::nullopt);
  EXPECT_EQ(find_all().size(), 19u);
}

TEST_F(Astra, RetryableErrorsBeyondMaxRetriesAreUnavailableNamingTheCode) {
  start();
  auto store = open_store("    max_retries: 2\n");
  server_->configure({{"fail_rate", 1.0}, {"fail_modes", "db_unavailable"}});
  for (int op = 0; op < 2; ++op) {
    server_->reset_stats();
    try {
      if (op == 0) store->mget({"k"});
      if (op == 1) store->mset({{"k", "v"}});
      FAIL();
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::unavailable);
      EXPECT_THAT(e.what(), HasSubstr("gave up after 3 attempts"));
      EXPECT_THAT(e.what(), HasSubstr("UNAVAILABLE_DATABASE"));
    }
    EXPECT_EQ(server_->count(op == 0 ? "find" : "insertMany"), 3u);
  }
}

TEST_F(Astra, NativeAsyncCallsOverlap) {
  start({"--latency-ms", "100"});
  auto store = open_store();
  const auto begin = std::chrono::steady_clock::now();
  std::vector<std::future<void>> writes;
  for (int i = 0; i < 16; ++i) writes.push_back(store->amset({{"k" + std::to_string(i), "v"}}));
  for (auto& w : writes) w.get();
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  // 16 requests of 100 ms one after another would take 1.6 s.
  EXPECT_LT(elapsed, std::chrono::milliseconds(1200));
  EXPECT_TRUE(store->capabilities().native_async);
}

TEST_F(Astra, HttpsTrustsTheCaFileAndSaysWhenACertificateIsNotTrusted) {
  auto certificate = std::make_shared<const testing::TestCertificate>();
  server_ = std::make_unique<LocalDataApiServer>(kServer, std::vector<std::string>{}, certificate);
  ASSERT_TRUE(server_->endpoint().starts_with("https://"));
  for (const std::string& trust : {"    ca_file: " + server_->ca_file() + "\n",
                                   "    ca_file: " + server_->ca_file() + "\n    system_ca: false\n"}) {
    auto store = open_store(trust);
    store->mset({{"k", "over TLS"}});
    EXPECT_EQ(store->mget({"k"})[0], "over TLS");
  }
  const testing::TestCertificate other;
  for (const std::string& trust : {std::string(), "    ca_file: " + other.cert_file() + "\n"}) {
    try {
      open_store(trust + "    max_retries: 0\n");
      ADD_FAILURE() << "an untrusted certificate was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::unavailable);
      EXPECT_THAT(e.what(), HasSubstr("certificate was not trusted"));
      EXPECT_THAT(e.what(), HasSubstr("ca_file"));
      EXPECT_THAT(e.what(), Not(HasSubstr(LocalDataApiServer::kToken)));
    }
  }
}

TEST_F(Astra, ARequestTimeoutOfZeroIsRefusedNotUnlimited) {
  const std::string base =
      "stores:\n  s:\n    backend: astra\n    api_endpoint: http://127.0.0.1:1\n"
      "    token: t\n    keyspace: ks\n    collection_name: c\n";
  for (const char* zero : {"0", "0ms", "0s"}) {
    try {
      Config::parse(base + "    request_timeout: " + zero + "\n").check();
      ADD_FAILURE() << zero << " accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::config);
      EXPECT_THAT(e.what(), HasSubstr("request_timeout must be at least 1ms"));
    }
  }
  EXPECT_NO_THROW(Config::parse(base + "    request_timeout: 1ms\n").check());
}

TEST_F(Astra, PlainHttpToAnotherHostIsRefusedUnlessAllowed) {
  const std::string remote =
      "stores:\n  s:\n    backend: astra\n    api_endpoint: http://data-api.invalid:8181\n"
      "    token: AstraCS:not-sent\n    keyspace: ks\n    collection_name: c\n"
      "    max_retries: 0\n    request_timeout: 2s\n";
  for (bool open : {false, true}) {
    try {
      if (open)
        open_yaml(remote, "s");
      else
        Config::parse(remote).check();
      ADD_FAILURE() << "accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::config);
      EXPECT_THAT(e.what(), HasSubstr("api_endpoint"));
      EXPECT_THAT(e.what(), HasSubstr("allow_insecure_http"));
      EXPECT_THAT(e.what(), Not(HasSubstr("not-sent")));
    }
  }
  // Allowed: the store tries the host (which never resolves), and fails
  // for that reason instead.
  const std::string allowed = remote + "    allow_insecure_http: true\n";
  EXPECT_NO_THROW(Config::parse(allowed).check());
  try {
    open_yaml(allowed, "s");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unavailable) << e.what();
  }
}

}  // namespace
}  // namespace bytestore
