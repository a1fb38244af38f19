#include <bytestore/loopback_host.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "base64.h"
#include "connection_settings.h"
#include "document_batches.h"
#include "responses.h"

namespace bytestore::astra {
namespace {

TEST(Base64, RoundTripsAndRefusesNonCanonicalText) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 255u, 256u})
    EXPECT_EQ(base64_decode(base64_encode(all.substr(0, n))), all.substr(0, n));
  EXPECT_EQ(base64_encode("hello"), "aGVsbG8=");
  EXPECT_EQ(base64_decode("aGVsbG8"), std::nullopt);    // unpadded
  EXPECT_EQ(base64_decode("aGV$bG8="), std::nullopt);   // outside the alphabet
  EXPECT_EQ(base64_decode("aGVsbG8=aGVs"), std::nullopt);
}

std::vector<InsertBatches::Batch> all_batches(std::span<const sdk::KeyValueView> pairs) {
  InsertBatches batches(pairs);
  std::vector<InsertBatches::Batch> out;
  for (auto batch = batches.next(); !batch.keys.empty(); batch = batches.next()) out.push_back(std::move(batch));
  return out;
}

TEST(Documents, LangChainFormatAndLastValueWins) {
  const std::vector<sdk::KeyValueView> pairs = {{"k", "one"}, {"j", ""}, {"k", "two"}};
  const auto batches = all_batches(pairs);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].keys, (std::vector<std::string>{"j", "k"}));
  EXPECT_EQ(boost::json::serialize(batches[0].documents),
            R"([{"_id":"j","value":""},{"_id":"k","value":"dHdv"}])");
}

TEST(Documents, OversizedDocumentIsRefusedNamingTheLimit) {
  const std::string big(kMaxValueBytes + 1, 'x');
  const std::vector<sdk::KeyValueView> pairs = {{"small", "v"}, {"k", big}};
  try {
    InsertBatches refused(pairs);  // before any batch, so nothing is sent
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::limit_exceeded);
    EXPECT_NE(std::string(e.what()).find("key 'k'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("limit is 4000000"), std::string::npos) << e.what();
  }
  // The advertised maximum fits with the worst possible key.
  const std::string worst_key(kMaxKeyBytes, '\x01');
  const std::string largest(kMaxValueBytes, 'v');
  EXPECT_LE(boost::json::serialize(make_document(worst_key, largest)).size(), kMaxDocumentChars);
  EXPECT_LE(document_chars_bound(worst_key, largest.size()), kMaxDocumentChars);
}

TEST(Documents, BatchesRespectCountAndBodySize) {
  std::vector<std::string> keys;
  for (int i = 0; i < 250; ++i) keys.push_back("k" + std::to_string(i));
  std::vector<sdk::KeyValueView> pairs;
  for (const std::string& k : keys) pairs.emplace_back(k, "v");
  auto batches = all_batches(pairs);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].keys.size(), 100u);
  EXPECT_EQ(batches[0].documents.size(), 100u);
  EXPECT_EQ(batches[2].keys.size(), 50u);
  EXPECT_EQ(batches[2].keys.back(), "k249");
  const std::string two_mb(2'000'000, 'x');
  std::vector<sdk::KeyValueView> big;
  for (int i = 0; i < 5; ++i) big.emplace_back(keys[i], two_mb);
  std::size_t documents = 0;
  for (const auto& batch : all_batches(big)) {
    EXPECT_LE(boost::json::serialize(batch.documents).size(), kMaxBodyBytes);
    documents += batch.documents.size();
  }
  EXPECT_EQ(documents, 5u);
}

TEST(KeyChunks, DistinctKeysInChunksOfAHundred) {
  std::vector<std::string> keys;
  for (int i = 0; i < 250; ++i) keys.push_back("k" + std::to_string(i % 230));
  std::vector<std::string_view> views(keys.begin(), keys.end());
  const auto chunks = key_chunks(views);
  ASSERT_EQ(chunks.size(), 3u);
  EXPECT_EQ(chunks[0].size(), 100u);
  EXPECT_EQ(chunks[2].size(), 30u);
}

TEST(InsertResponses, OnlyExistingDocumentsAreReplacedOtherFailuresRaise) {
  const std::vector<std::string> batch = {"a", "b", "c"};
  const auto ok = parse_envelope(
      R"({"status":{"documentResponses":[{"_id":"a","status":"OK"},{"_id":"b","status":"ERROR","errorsIdx":0},)"
      R"({"_id":"c","status":"OK"}]},"errors":[{"errorCode":"DOCUMENT_ALREADY_EXISTS","message":"m"}]})");
  EXPECT_EQ(read_insert_outcome(ok, batch).existing, std::vector<std::size_t>{1});
  const auto partial = parse_envelope(
      R"({"status":{"documentResponses":[{"_id":"a","status":"OK"},{"_id":"b","status":"ERROR","errorsIdx":0},)"
      R"({"_id":"c","status":"ERROR","errorsIdx":1}]},"errors":[{"errorCode":"DOCUMENT_ALREADY_EXISTS"},)"
      R"({"errorCode":"SHRED_DOC_LIMIT_VIOLATION","message":"too big"}]})");
  try {
    read_insert_outcome(partial, batch);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "insertMany: key 'c' failed: SHRED_DOC_LIMIT_VIOLATION: too big");
  }
  // Servers without documentResponses: insertedIds plus per-document errors.
  const auto old = parse_envelope(
      R"({"status":{"insertedIds":["a","c"]},"errors":[{"errorCode":"DOCUMENT_ALREADY_EXISTS","documentIds":["b"]}]})");
  EXPECT_EQ(read_insert_outcome(old, batch).existing, std::vector<std::size_t>{1});
  const auto silent = parse_envelope(R"({"status":{"insertedIds":["a"]}})");
  EXPECT_THROW(read_insert_outcome(silent, batch), Error);  // b and c unaccounted for
}

TEST(InsertResponses, RetryableFailuresAreSentAgainExistingOnesReplaced) {
  const std::vector<std::string> batch = {"a", "b", "c", "d"};
  const auto mixed = parse_envelope(
      R"({"status":{"documentResponses":[{"_id":"a","status":"OK"},{"_id":"b","status":"ERROR","errorsIdx":0},)"
      R"({"_id":"c","status":"ERROR","errorsIdx":1},{"_id":"d","status":"ERROR","errorsIdx":0}]},)"
      R"("errors":[{"errorCode":"TIMEOUT_WRITING_DATA","message":"timed out"},{"errorCode":"DOCUMENT_ALREADY_EXISTS"}]})");
  const InsertOutcome outcome = read_insert_outcome(mixed, batch);
  EXPECT_EQ(outcome.existing, std::vector<std::size_t>{2});
  EXPECT_EQ(outcome.retry, (std::vector<std::size_t>{1, 3}));
  EXPECT_EQ(outcome.retry_reason, "TIMEOUT_WRITING_DATA: timed out");
  // Without documentResponses: a retryable error names its documents, or
  // stands for every document not reported written.
  const auto named = parse_envelope(
      R"({"status":{"insertedIds":["a"]},"errors":[{"errorCode":"UNAVAILABLE_DATABASE","documentIds":["b","c"]},)"
      R"({"errorCode":"DOCUMENT_ALREADY_EXISTS","documentIds":["d"]}]})");
  EXPECT_EQ(read_insert_outcome(named, batch).retry, (std::vector<std::size_t>{1, 2}));
  EXPECT_EQ(read_insert_outcome(named, batch).existing, std::vector<std::size_t>{3});
  const auto unattached = parse_envelope(
      R"({"status":{"insertedIds":["a","c"]},"errors":[{"errorCode":"TIMEOUT_WRITING_DATA"}]})");
  EXPECT_EQ(read_insert_outcome(unattached, batch).retry, (std::vector<std::size_t>{1, 3}));
  const auto fatal = parse_envelope(
      R"({"status":{"insertedIds":["a"]},"errors":[{"errorCode":"UNEXPECTED_SERVER_ERROR"}]})");
  EXPECT_THROW(read_insert_outcome(fatal, batch), Error);
}

TEST(RetryableErrors, OnlyWholeCommandFailuresOfRetryableCodes) {
  auto error = [](std::string code, std::string family = "SERVER", std::string scope = "DATABASE") {
    return ApiError{std::move(code), "m", std::move(family), std::move(scope), {}};
  };
  for (const char* code :
       {"COUNT_READ_FAILED", "FAILED_COMPARE_AND_SET", "FAILED_CONCURRENT_OPERATIONS",
        "FAILED_READ_REQUEST", "FAILED_TO_CONNECT_TO_DATABASE", "FAILED_TO_READ_METADATA",
        "FAILED_TRUNCATION", "FAILED_WRITE_REQUEST", "TIMEOUT_READING_DATA", "TIMEOUT_WRITING_DATA",
        "UNAVAILABLE_DATABASE", "UNKNOWN_KEYSPACE"})
    EXPECT_TRUE(is_retryable_error(error(code))) << code;
  for (const char* code : {"UNEXPECTED_SERVER_ERROR", "SERVER_UNHANDLED_ERROR", "DOCUMENT_ALREADY_EXISTS",
                           "COLLECTION_NOT_EXIST", "INVALID_DATABASE_QUERY", "TIMEOUT", ""})
    EXPECT_FALSE(is_retryable_error(error(code))) << code;
  // A keyspace the request named that does not exist is no database hiccup.
  EXPECT_FALSE(is_retryable_error(error("UNKNOWN_KEYSPACE", "REQUEST", "SCHEMA")));
  EXPECT_FALSE(is_retryable_error(error("UNKNOWN_KEYSPACE", "", "")));
  EXPECT_TRUE(is_retryable_failure(parse_envelope(R"({"errors":[{"errorCode":"TIMEOUT_READING_DATA"}]})")));
  EXPECT_FALSE(is_retryable_failure(parse_envelope(
      R"({"errors":[{"errorCode":"TIMEOUT_READING_DATA"},{"errorCode":"UNEXPECTED_SERVER_ERROR"}]})")));
  // Updates and deletes name the documents of a failure; sent again whole.
  EXPECT_TRUE(is_retryable_failure(parse_envelope(
      R"({"status":{"deletedCount":3},"errors":[{"errorCode":"TIMEOUT_WRITING_DATA","documentIds":["a"]}]})")));
  EXPECT_FALSE(is_retryable_failure(parse_envelope(
      R"({"status":{"insertedIds":[]},"errors":[{"errorCode":"TIMEOUT_WRITING_DATA","documentIds":["a"]}]})")));
  EXPECT_FALSE(is_retryable_failure(parse_envelope(
      R"({"status":{"documentResponses":[]},"errors":[{"errorCode":"TIMEOUT_WRITING_DATA"}]})")));
  EXPECT_FALSE(is_retryable_failure(parse_envelope(R"({"status":{"ok":1}})")));
}

EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    return it == vars.end() ? std::nullopt : std::optional(it->second);
  };
}

TEST(Connection, AstraEndpointDefaultsLikeTheOfficialClients) {
  AstraOptions o;
  o.collection_name = "c";
  const auto s = resolve_connection(
      o, env_of({{"ASTRA_DB_API_ENDPOINT", "https://0123-us-east1.apps.astra.datastax.com/"},
                 {"ASTRA_DB_APPLICATION_TOKEN", "AstraCS:abc"}}));
  EXPECT_EQ(s.environment, Environment::astra);
  EXPECT_EQ(s.collection_url(),
            "https://0123-us-east1.apps.astra.datastax.com/api/json/v1/default_keyspace/c");
  EXPECT_EQ(s.token, "AstraCS:abc");
  EXPECT_EQ(s.user_agent, "bytestore/" BYTESTORE_PLUGIN_VERSION);
}

TEST(Connection, SelfHostedNeedsAKeyspaceAndTakesALogin) {
  AstraOptions o;
  o.collection_name = "c";
  o.api_endpoint = "http://127.0.0.1:8181";
  o.username = "cassandra";
  o.password = "cassandra";
  o.caller = "myapp/1.0";
  EXPECT_THROW(resolve_connection(o, env_of({})), Error);
  const auto s = resolve_connection(o, env_of({{"ASTRA_DB_KEYSPACE", "ks"}}));
  EXPECT_EQ(s.environment, Environment::other);
  EXPECT_EQ(s.collection_url(), "http://127.0.0.1:8181/v1/ks/c");
  EXPECT_EQ(s.token, "Cassandra:Y2Fzc2FuZHJh:Y2Fzc2FuZHJh");
  EXPECT_EQ(s.user_agent, "myapp/1.0 bytestore/" BYTESTORE_PLUGIN_VERSION);
}

TEST(Connection, ErrorsNeverQuoteSecrets) {
  AstraOptions o;
  o.collection_name = "bad-name";
  o.api_endpoint = "http://127.0.0.1";
  o.namespace_ = "ks";
  o.token = "AstraCS:super-secret";
  try {
    resolve_connection(o, env_of({}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    EXPECT_EQ(std::string(e.what()).find("super-secret"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("collection_name 'bad-name'"), std::string::npos);
  }
  o.collection_name = "ok";
  o.username = "u";
  o.password = "p";
  EXPECT_THROW(resolve_connection(o, env_of({})), Error);  // token and login both
}

TEST(Connection, LoopbackHosts) {
  for (const char* host : {"localhost", "LOCALHOST", "localhost.", "127.0.0.1", "127.9.8.7", "::1",
                           "[::1]", "[0:0:0:0:0:0:0:1]"})
    EXPECT_TRUE(sdk::is_loopback_host(host)) << host;
  for (const char* host : {"db.internal", "10.0.0.5", "128.0.0.1", "localhost.example.com",
                           "127.0.0.1.nip.io", "[::2]", "::ffff:10.0.0.1", ""})
    EXPECT_FALSE(sdk::is_loopback_host(host)) << host;
}

AstraOptions self_hosted(const std::string& endpoint) {
  AstraOptions o;
  o.collection_name = "c";
  o.namespace_ = "ks";
  o.api_endpoint = endpoint;
  o.token = "AstraCS:super-secret";
  return o;
}

TEST(Connection, CredentialsOverPlainHttpOnlyToThisMachineUnlessAllowed) {
  for (const char* local : {"http://127.0.0.1:8181", "http://localhost:8181", "http://[::1]:8181",
                            "https://db.example.com"})
    EXPECT_NO_THROW(resolve_connection(self_hosted(local), env_of({}))) << local;
  for (const char* remote : {"http://db.internal:8181", "http://10.1.2.3:8181", "HTTP://Db.Internal",
                             "http://127.0.0.1.example.com:8181"}) {
    try {
      resolve_connection(self_hosted(remote), env_of({}));
      ADD_FAILURE() << remote << " was accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::config);
      EXPECT_THAT(e.what(), ::testing::HasSubstr("api_endpoint"));
      EXPECT_THAT(e.what(), ::testing::HasSubstr("allow_insecure_http"));
      EXPECT_THAT(e.what(), ::testing::Not(::testing::HasSubstr("super-secret")));
    }
    AstraOptions allowed = self_hosted(remote);
    allowed.allow_insecure_http = true;
    EXPECT_NO_THROW(resolve_connection(allowed, env_of({}))) << remote;
  }
}

TEST(Connection, PasswordsInsideTheEndpointAreRefusedAndNeverShown) {
  try {
    resolve_connection(self_hosted("https://admin:hunter2@db.example.com"), env_of({}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    EXPECT_THAT(e.what(), ::testing::Not(::testing::HasSubstr("hunter2")));
    EXPECT_THAT(e.what(), ::testing::HasSubstr("https://<redacted>@db.example.com"));
  }
  EXPECT_EQ(shown_endpoint("http://u:p@h:1/x@y"), "http://<redacted>@h:1/x@y");
  EXPECT_EQ(shown_endpoint("https://h/p"), "https://h/p");
  EXPECT_THROW(resolve_connection(self_hosted("ftp://db.example.com"), env_of({})), Error);
  EXPECT_THROW(resolve_connection(self_hosted("db.example.com"), env_of({})), Error);
}

TEST(Connection, CaFileMustBeReadable) {
  AstraOptions o = self_hosted("https://db.example.com");
  o.ca_file = "/nonexistent/ca.pem";
  try {
    resolve_connection(o, env_of({}));
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    EXPECT_THAT(e.what(), ::testing::HasSubstr("ca_file '/nonexistent/ca.pem' cannot be read"));
  }
  o.ca_file.clear();
  o.system_ca = false;
  EXPECT_THROW(resolve_connection(o, env_of({})), Error);  // nothing left to trust
}

}  // namespace
}  // namespace bytestore::astra
