#include <gtest/gtest.h>

#include <map>

#include "base64.h"
#include "connection_settings.h"
#include "document_batches.h"
#include "prefix_range.h"
#include "responses.h"

namespace bytestore::astra {
namespace {

TEST(PrefixSuccessor, IncrementsTheLastCodePoint) {
  EXPECT_EQ(prefix_successor("ab"), "ac");
  EXPECT_EQ(prefix_successor("a\x7f"), "a\xc2\x80");          // U+007F -> U+0080
  EXPECT_EQ(prefix_successor("caf\xc3\xa9"), "caf\xc3\xaa");  // é -> ê
  EXPECT_EQ(prefix_successor("\xed\x9f\xbf"), "\xee\x80\x80");  // U+D7FF -> U+E000
  EXPECT_EQ(prefix_successor("a\xf4\x8f\xbf\xbf"), "b");     // U+10FFFF carries
  EXPECT_EQ(prefix_successor("\xf4\x8f\xbf\xbf"), std::nullopt);
  EXPECT_EQ(prefix_successor(std::string("a\0", 2)), std::string("a\x01", 2));
}

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
  EXPECT_EQ(existing_documents(ok, batch), std::vector<std::size_t>{1});
  const auto partial = parse_envelope(
      R"({"status":{"documentResponses":[{"_id":"a","status":"OK"},{"_id":"b","status":"ERROR","errorsIdx":0},)"
      R"({"_id":"c","status":"ERROR","errorsIdx":1}]},"errors":[{"errorCode":"DOCUMENT_ALREADY_EXISTS"},)"
      R"({"errorCode":"SHRED_DOC_LIMIT_VIOLATION","message":"too big"}]})");
  try {
    existing_documents(partial, batch);
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "insertMany: key 'c' failed: SHRED_DOC_LIMIT_VIOLATION: too big");
  }
  // Servers without documentResponses: insertedIds plus per-document errors.
  const auto old = parse_envelope(
      R"({"status":{"insertedIds":["a","c"]},"errors":[{"errorCode":"DOCUMENT_ALREADY_EXISTS","documentIds":["b"]}]})");
  EXPECT_EQ(existing_documents(old, batch), std::vector<std::size_t>{1});
  const auto silent = parse_envelope(R"({"status":{"insertedIds":["a"]}})");
  EXPECT_THROW(existing_documents(silent, batch), Error);  // b and c unaccounted for
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
  o.api_endpoint = "http://h";
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

}  // namespace
}  // namespace bytestore::astra
