// Starts the built bytestore-data-api-server and speaks raw HTTP to it:
// envelopes, error codes, limits, paging, knobs and test endpoints.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <set>
#include <thread>

#include "http_client.h"
#include "server_process.h"

namespace bytestore::dataapi {
namespace {

namespace json = boost::json;
using testing::ClientTls;
using testing::HttpConnection;
using testing::HttpResult;
using testing::ServerProcess;

const std::string kServer = BYTESTORE_DATA_API_SERVER_PATH;
const std::string kKeyspacePath = "/v1/default_keyspace";
const std::string kCollPath = "/v1/default_keyspace/kv";

std::string key(int i) {
  char text[16];
  std::snprintf(text, sizeof text, "k%04d", i);
  return text;
}

std::string error_code(const json::value& response, std::size_t index = 0) {
  const auto* errors = response.as_object().if_contains("errors");
  if (errors == nullptr || errors->as_array().size() <= index) return "";
  return std::string(errors->as_array()[index].at("errorCode").as_string());
}

// The exit status of the server run with `args` (it must not start).
int exit_status_of(const std::string& args) {
  const int status = std::system((kServer + " " + args + " >/dev/null 2>&1").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

// A temporary directory with a self-signed certificate (cert.pem, key.pem)
// for localhost and 127.0.0.1, made by the openssl command; removed after.
class SelfSignedCertificate {
 public:
  SelfSignedCertificate() {
    char dir_template[] = "/tmp/data-api-server-tls-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) throw std::runtime_error("mkdtemp failed");
    dir_ = dir_template;
    const std::string command = "openssl req -x509 -newkey rsa:2048 -nodes -keyout " + key() + " -out " + cert() +
                                " -days 2 -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1"
                                " >/dev/null 2>&1";
    made_ = std::system(command.c_str()) == 0;
  }
  ~SelfSignedCertificate() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  bool made() const { return made_; }
  std::string cert() const { return dir_ + "/cert.pem"; }
  std::string key() const { return dir_ + "/key.pem"; }

 private:
  std::string dir_;
  bool made_ = false;
};

class DataApiServer : public ::testing::Test {
 protected:
  // `tls`: how the test's connections speak to a server started with
  // --tls-cert and --tls-key.
  void start(std::vector<std::string> extra = {}, std::optional<ClientTls> tls = std::nullopt) {
    std::vector<std::string> args{kServer};
    args.insert(args.end(), extra.begin(), extra.end());
    server_ = std::make_unique<ServerProcess>(args);
    tls_ = std::move(tls);
    reconnect();
  }
  void reconnect() { conn_ = std::make_unique<HttpConnection>(server_->port(), tls_); }

  unsigned short port() const { return server_->port(); }

  json::value command(const std::string& path, const json::value& body) {
    const auto result = conn_->post_json(path, body);
    EXPECT_EQ(result.status, 200u) << result.body;
    return result.json();
  }
  json::value coll(const json::value& body) { return command(kCollPath, body); }

  void create_collection(const json::value& options = json::object()) {
    const auto r = command(kKeyspacePath, {{"createCollection", {{"name", "kv"}, {"options", options}}}});
    ASSERT_EQ(r.at("status").at("ok"), 1) << r;
  }

  // Inserts k0000.. k(n-1) with value "v<i>", 100 per request.
  void insert_keys(int n, int first = 0) {
    for (int start = first; start < first + n; start += 100) {
      json::array docs;
      for (int i = start; i < std::min(first + n, start + 100); ++i)
        docs.push_back(json::object{{"_id", key(i)}, {"value", "v" + std::to_string(i)}});
      const auto r = coll({{"insertMany", {{"documents", docs}}}});
      ASSERT_FALSE(r.as_object().contains("errors")) << r;
    }
  }

  json::value config(const json::value& body) {
    const auto r = conn_->request("POST", "/_test/config", json::serialize(body), {});
    EXPECT_EQ(r.status, 200u) << r.body;
    return r.json();
  }
  json::value stats() { return conn_->request("GET", "/_test/stats", "", {}).json(); }

  std::unique_ptr<ServerProcess> server_;
  std::optional<ClientTls> tls_;
  std::unique_ptr<HttpConnection> conn_;
};

TEST_F(DataApiServer, PrintsOneListeningLineAndStopsCleanlyOnSigterm) {
  start();
  EXPECT_EQ(server_->listening_line(), "listening on 127.0.0.1:" + std::to_string(port()));
  EXPECT_NE(port(), 0);
  conn_.reset();
  EXPECT_EQ(server_->stop(), 0);
}

TEST_F(DataApiServer, TokenIsChecked) {
  start({"--token", "s3cret", "--user", "alice", "--password", "pw"});
  auto missing = conn_->request("POST", kKeyspacePath, R"({"findCollections":{}})",
                                {{"Content-Type", "application/json"}});
  EXPECT_EQ(missing.status, 401u);
  EXPECT_EQ(error_code(missing.json()), "MISSING_AUTHENTICATION_TOKEN");
  auto wrong = conn_->post(kKeyspacePath, R"({"findCollections":{}})", "nope");
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(error_code(wrong.json()), "UNAUTHENTICATED_REQUEST");
  EXPECT_EQ(wrong.json().at("errors").at(0).at("family"), "REQUEST");
  EXPECT_EQ(conn_->post(kKeyspacePath, R"({"findCollections":{}})", "s3cret").status, 200u);
  // Cassandra:base64("alice"):base64("pw")
  EXPECT_EQ(conn_->post(kKeyspacePath, R"({"findCollections":{}})", "Cassandra:YWxpY2U=:cHc=").status, 200u);
  EXPECT_EQ(conn_->post(kKeyspacePath, R"({"findCollections":{}})", "Cassandra:YWxpY2U=:eHg=").status, 401u);
}

TEST_F(DataApiServer, ContentTypeMustBeJson) {
  start();
  const std::string body = R"({"findCollections":{}})";
  auto text = conn_->request("POST", kKeyspacePath, body, {{"Token", "test-token"}, {"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415u);
  EXPECT_EQ(error_code(text.json()), "UNSUPPORTED_CONTENT_TYPE");
  auto with_charset = conn_->request("POST", kKeyspacePath, body,
                                     {{"Token", "test-token"}, {"Content-Type", "application/json; charset=utf-8"}});
  EXPECT_EQ(with_charset.status, 200u);
}

TEST_F(DataApiServer, BodyOver20MiBIs413) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  const std::string big = R"({"insertOne":{"document":{"_id":"x","value":")" + std::string(21 * 1024 * 1024, 'a') +
                          R"("}}})";
  auto r = conn_->post(kCollPath, big);
  EXPECT_EQ(r.status, 413u);
  HttpConnection fresh(port());
  EXPECT_EQ(fresh.post(kCollPath, R"({"countDocuments":{"filter":{}}})").status, 200u);
}

TEST_F(DataApiServer, CreateCollectionIsIdempotentButNotWithOtherSettings) {
  start();
  const json::value allow_id = {{"indexing", {{"allow", json::array{"_id"}}}}};
  create_collection(allow_id);
  create_collection(allow_id);
  auto other = command(kKeyspacePath, {{"createCollection", {{"name", "kv"}}}});
  EXPECT_EQ(error_code(other), "EXISTING_COLLECTION_DIFFERENT_SETTINGS");
  EXPECT_EQ(other.at("errors").at(0).at("scope"), "SCHEMA");
  auto listed = command(kKeyspacePath, {{"findCollections", {{"options", {{"explain", true}}}}}});
  EXPECT_EQ(listed.at("status").at("collections"), (json::array{{{"name", "kv"}, {"options", allow_id}}}));
  auto names = command(kKeyspacePath, {{"findCollections", json::object()}});
  EXPECT_EQ(names.at("status").at("collections"), json::array{"kv"});
  EXPECT_EQ(command(kKeyspacePath, {{"deleteCollection", {{"name", "kv"}}}}).at("status").at("ok"), 1);
  EXPECT_EQ(command(kKeyspacePath, {{"deleteCollection", {{"name", "kv"}}}}).at("status").at("ok"), 1);
  EXPECT_EQ(error_code(coll({{"find", json::object()}})), "UNKNOWN_COLLECTION_OR_TABLE");
  EXPECT_EQ(error_code(command("/v1/nowhere/kv", {{"find", json::object()}})), "UNKNOWN_KEYSPACE");
  // The same under /api/json/v1.
  EXPECT_EQ(command("/api/json/v1/default_keyspace", {{"findCollections", json::object()}}).at("status"),
            (json::object{{"collections", json::array()}}));
}

TEST_F(DataApiServer, InsertManyLimitsAndDuplicates) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  json::array too_many;
  for (int i = 0; i < 101; ++i) too_many.push_back(json::object{{"_id", key(i)}});
  EXPECT_EQ(error_code(coll({{"insertMany", {{"documents", too_many}}}})), "COMMAND_FIELD_VALUE_INVALID");
  EXPECT_EQ(coll({{"countDocuments", {{"filter", json::object()}}}}).at("status").at("count"), 0);

  insert_keys(2);  // k0000, k0001
  const json::array docs = {{{"_id", "k0001"}, {"value", "a"}}, {{"_id", "k0002"}, {"value", "b"}},
                            {{"_id", "k0000"}, {"value", "c"}}, {{"_id", "k0003"}, {"value", "d"}}};
  // Unordered, with documentResponses: every document tried.
  auto r = coll({{"insertMany", {{"documents", docs}, {"options", {{"ordered", false}, {"returnDocumentResponses", true}}}}}});
  const auto& responses = r.at("status").at("documentResponses").as_array();
  ASSERT_EQ(responses.size(), 4u);
  EXPECT_EQ(responses[0], (json::object{{"_id", "k0001"}, {"status", "ERROR"}, {"errorsIdx", 0}}));
  EXPECT_EQ(responses[1], (json::object{{"_id", "k0002"}, {"status", "OK"}}));
  EXPECT_EQ(responses[2], (json::object{{"_id", "k0000"}, {"status", "ERROR"}, {"errorsIdx", 1}}));
  EXPECT_EQ(responses[3], (json::object{{"_id", "k0003"}, {"status", "OK"}}));
  ASSERT_EQ(r.at("errors").as_array().size(), 2u);
  const auto& dup = r.at("errors").at(0).as_object();
  EXPECT_EQ(dup.at("errorCode"), "DOCUMENT_ALREADY_EXISTS");
  EXPECT_EQ(dup.at("scope"), "DOCUMENT");
  EXPECT_EQ(dup.at("family"), "REQUEST");
  EXPECT_EQ(dup.at("documentIds"), json::array{"k0001"});
  for (const char* field : {"id", "title", "message"}) EXPECT_TRUE(dup.contains(field)) << field;

  // Ordered: stops at the first failure, the rest SKIPPED.
  const json::array more = {{{"_id", "k0004"}}, {{"_id", "k0004"}}, {{"_id", "k0005"}}};
  r = coll({{"insertMany", {{"documents", more}, {"options", {{"ordered", true}, {"returnDocumentResponses", true}}}}}});
  EXPECT_EQ(r.at("status").at("documentResponses"),
            (json::array{{{"_id", "k0004"}, {"status", "OK"}},
                         {{"_id", "k0004"}, {"status", "ERROR"}, {"errorsIdx", 0}},
                         {{"_id", "k0005"}, {"status", "SKIPPED"}}}));
  // Without documentResponses: insertedIds plus one error per failed document.
  r = coll({{"insertMany", {{"documents", json::array{{{"_id", "k0005"}}, {{"_id", "k0000"}}}}}}});
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array{"k0005"});
  EXPECT_EQ(error_code(r), "DOCUMENT_ALREADY_EXISTS");
  EXPECT_EQ(r.at("errors").at(0).at("documentIds"), json::array{"k0000"});
  // The limit is a knob.
  config({{"max_insert_many", 2}});
  r = coll({{"insertMany", {{"documents", json::array{{{"_id", "x1"}}, {{"_id", "x2"}}, {{"_id", "x3"}}}}}}});
  EXPECT_EQ(error_code(r), "COMMAND_FIELD_VALUE_INVALID");
}

TEST_F(DataApiServer, FindPagesWithPageState) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  insert_keys(120);
  std::vector<std::string> seen;
  json::value state = nullptr;
  std::vector<std::size_t> page_sizes;
  do {
    json::object options;
    if (!state.is_null()) options["pageState"] = state;
    auto r = coll({{"find", {{"filter", json::object()}, {"options", options}}}});
    const auto& docs = r.at("data").at("documents").as_array();
    page_sizes.push_back(docs.size());
    for (const auto& d : docs) seen.emplace_back(d.at("_id").as_string());
    state = r.at("data").at("nextPageState");
  } while (!state.is_null());
  // Pages of 50, as servers from 1.0.47.
  EXPECT_EQ(page_sizes, (std::vector<std::size_t>{50, 50, 20}));
  ASSERT_EQ(seen.size(), 120u);
  for (int i = 0; i < 120; ++i) EXPECT_EQ(seen[static_cast<std::size_t>(i)], key(i));

  // A limit over the page size still answers one page at a time.
  auto r = coll({{"find", {{"options", {{"limit", 60}}}}}});
  EXPECT_EQ(r.at("data").at("documents").as_array().size(), 50u);
  r = coll({{"find", {{"options", {{"limit", 60}, {"pageState", r.at("data").at("nextPageState")}}}}}});
  EXPECT_EQ(r.at("data").at("documents").as_array().size(), 10u);
  EXPECT_TRUE(r.at("data").at("nextPageState").is_null());
  // Exactly one page: no page state.
  r = coll({{"find", {{"filter", {{"_id", {{"$lt", key(50)}}}}}}}});
  EXPECT_EQ(r.at("data").at("documents").as_array().size(), 50u);
  EXPECT_TRUE(r.at("data").at("nextPageState").is_null());
  // The page size knob.
  EXPECT_EQ(config(json::object()).at("page_size"), 50);
  config({{"page_size", 200}});
  r = coll({{"find", json::object()}});
  EXPECT_EQ(r.at("data").at("documents").as_array().size(), 120u);
  EXPECT_TRUE(r.at("data").at("nextPageState").is_null());
  config({{"page_size", 7}});
  EXPECT_EQ(coll({{"find", json::object()}}).at("data").at("documents").as_array().size(), 7u);
  config({{"page_size", nullptr}});
  EXPECT_EQ(coll({{"find", json::object()}}).at("data").at("documents").as_array().size(), 50u);
  // findOne
  r = coll({{"findOne", {{"filter", {{"_id", key(7)}}}}}});
  EXPECT_EQ(r.at("data").at("document"), (json::object{{"_id", key(7)}, {"value", "v7"}}));
  r = coll({{"findOne", {{"filter", {{"_id", "absent"}}}}}});
  EXPECT_TRUE(r.at("data").at("document").is_null());
}

TEST_F(DataApiServer, InFilterLimitAndOnePage) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  insert_keys(150);
  json::array hundred, over;
  for (int i = 0; i < 100; ++i) hundred.push_back(json::value(key(i * 2)));  // 75 exist
  over = hundred;
  over.push_back(json::value("one-more"));
  auto r = coll({{"find", {{"filter", {{"_id", {{"$in", hundred}}}}}}}});
  EXPECT_EQ(r.at("data").at("documents").as_array().size(), 75u);
  EXPECT_TRUE(r.at("data").at("nextPageState").is_null());
  r = coll({{"find", {{"filter", {{"_id", {{"$in", over}}}}}}}});
  EXPECT_EQ(error_code(r), "FILTER_INVALID_EXPRESSION");
  EXPECT_EQ(r.at("errors").at(0).at("scope"), "FILTER");
  r = coll({{"deleteMany", {{"filter", {{"_id", {{"$nin", over}}}}}}}});
  EXPECT_EQ(error_code(r), "FILTER_INVALID_EXPRESSION");
}

TEST_F(DataApiServer, StringRangesOnIdInCurrentMode) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  insert_keys(3);
  coll({{"insertMany", {{"documents", json::array{{{"_id", "p/a"}}, {{"_id", "p/b"}}, {{"_id", "p0"}}, {{"_id", "q"}}}}}}});
  // One bound on _id: a prefix "p/" is [p/, ...) filtered further by the client.
  auto r = coll({{"find", {{"filter", {{"_id", {{"$gte", "p/"}}}}}}}});
  EXPECT_EQ(r.at("data").at("documents"), (json::array{{{"_id", "p/a"}}, {{"_id", "p/b"}}, {{"_id", "p0"}}, {{"_id", "q"}}}));
  r = coll({{"find", {{"filter", {{"_id", {{"$lt", "p0"}}}}}}}});
  EXPECT_EQ(r.at("data").at("documents").as_array().size(), 5u);
  // Two expressions on _id, as the real server: FILTER_MULTIPLE_ID_FILTER.
  for (const json::value& filter : {json::value{{"_id", {{"$gte", "p/"}, {"$lt", "p0"}}}},
                                   json::value{{"$and", json::array{{{"_id", {{"$gte", "p/"}}}}, {{"_id", {{"$lt", "p0"}}}}}}},
                                   json::value{{"_id", "p/a"}, {"$not", {{"_id", "p/b"}}}}}) {
    r = coll({{"find", {{"filter", filter}}}});
    EXPECT_EQ(error_code(r), "FILTER_MULTIPLE_ID_FILTER") << filter;
    EXPECT_EQ(r.at("errors").at(0).at("scope"), "FILTER");
  }
  r = coll({{"find", {{"filter", {{"_id", {{"$gt", "p0"}}}}}}}});
  EXPECT_EQ(r.at("data").at("documents"), (json::array{{{"_id", "q"}}}));
  // UTF-8 byte order: "é" (C3 A9) sorts after "z".
  coll({{"insertOne", {{"document", {{"_id", "\xc3\xa9"}}}}}});
  r = coll({{"find", {{"filter", {{"_id", {{"$gt", "z"}}}}}}}});
  EXPECT_EQ(r.at("data").at("documents"), (json::array{{{"_id", "\xc3\xa9"}}}));
  // Filters on a path the collection does not index are refused.
  r = coll({{"find", {{"filter", {{"value", "v1"}}}}}});
  EXPECT_EQ(error_code(r), "FILTER_PATH_UNINDEXED");
  // A collection that does not index _id takes only $eq and $in on it.
  command(kKeyspacePath, {{"createCollection", {{"name", "noid"}, {"options", {{"indexing", {{"deny", json::array{"_id"}}}}}}}}});
  const std::string noid = "/v1/default_keyspace/noid";
  EXPECT_EQ(error_code(command(noid, {{"find", {{"filter", {{"_id", {{"$gt", "a"}}}}}}}})), "FILTER_ID_NOT_INDEXED");
  EXPECT_EQ(error_code(command(noid, {{"find", {{"filter", {{"_id", "a"}}}}}})), "");
}

TEST_F(DataApiServer, LegacyModePagesInAndRejectsStringRanges) {
  start({"--legacy"});
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  insert_keys(50);
  json::array ids;
  for (int i = 0; i < 50; ++i) ids.push_back(json::value(key(i)));
  auto r = coll({{"find", {{"filter", {{"_id", {{"$in", ids}}}}}}}});
  EXPECT_EQ(r.at("data").at("documents").as_array().size(), 20u);
  ASSERT_TRUE(r.at("data").at("nextPageState").is_string());
  std::size_t total = 20;
  while (!r.at("data").at("nextPageState").is_null()) {
    r = coll({{"find", {{"filter", {{"_id", {{"$in", ids}}}}}, {"options", {{"pageState", r.at("data").at("nextPageState")}}}}}});
    total += r.at("data").at("documents").as_array().size();
  }
  EXPECT_EQ(total, 50u);
  r = coll({{"find", {{"filter", {{"_id", {{"$gte", "k"}}}}}}}});
  EXPECT_EQ(error_code(r), "INVALID_FILTER_EXPRESSION");
  // Range operands are checked before the number of _id expressions.
  EXPECT_EQ(error_code(coll({{"find", {{"filter", {{"_id", {{"$gte", "k"}, {"$lt", "l"}}}}}}}})),
            "INVALID_FILTER_EXPRESSION");
  // Older servers' error shape: errorCode and message only.
  EXPECT_EQ(r.at("errors").at(0).as_object().size(), 2u);
  EXPECT_TRUE(r.at("errors").at(0).as_object().contains("message"));
  // The mode can be switched off at run time.
  config({{"legacy", false}});
  r = coll({{"find", {{"filter", {{"_id", {{"$lt", "l"}}}}}}}});
  EXPECT_EQ(r.at("data").at("documents").as_array().size(), 50u);
  r = coll({{"find", {{"filter", {{"_id", {{"$in", ids}}}}}}}});
  EXPECT_EQ(r.at("data").at("documents").as_array().size(), 50u);
}

// Each change copied from the real server happens at its release.
TEST_F(DataApiServer, ServerVersionSelectsBehaviourByRelease) {
  start({"--server-version", "1.0.25"});
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  insert_keys(60);
  json::array ids;
  for (int i = 0; i < 60; ++i) ids.push_back(json::value(key(i)));
  const json::value in_filter = {{"_id", {{"$in", ids}}}};
  const json::value range_filter = {{"_id", {{"$lt", "l"}}}};
  auto find_count = [&](const json::value& filter) {
    return coll({{"find", {{"filter", filter}}}}).at("data").at("documents").as_array().size();
  };
  auto missing_collection = [&] { return command("/v1/default_keyspace/nope", {{"findOne", json::object()}}); };

  // 1.0.25: error objects, but no string ranges on _id and $in paged by 20.
  auto r = coll({{"find", {{"filter", range_filter}}}});
  EXPECT_EQ(error_code(r), "INVALID_FILTER_EXPRESSION");
  EXPECT_EQ(r.at("errors").at(0).at("family"), "REQUEST");
  EXPECT_EQ(find_count(in_filter), 20u);
  EXPECT_EQ(config(json::object()).at("server_version"), "1.0.25");
  EXPECT_EQ(config(json::object()).at("legacy"), false);

  // 1.0.22: UNSUPPORTED_SCHEMA_NAME; before, COMMAND_FIELD_INVALID.
  const json::value bad_name = {{"createCollection", {{"name", "bad-name"}}}};
  EXPECT_EQ(error_code(command(kKeyspacePath, bad_name)), "UNSUPPORTED_SCHEMA_NAME");
  config({{"server_version", "1.0.21"}});
  EXPECT_EQ(error_code(command(kKeyspacePath, bad_name)), "COMMAND_FIELD_INVALID");

  // 1.0.26: ranges and one-page $in; still the older codes and pages of 20.
  config({{"server_version", "1.0.26"}});
  EXPECT_EQ(find_count(range_filter), 20u);
  EXPECT_EQ(find_count(in_filter), 60u);
  EXPECT_EQ(error_code(coll({{"find", {{"filter", {{"_id", {{"$size", 1}}}}}}}})), "UNSUPPORTED_FILTER_OPERATION");
  EXPECT_EQ(error_code(missing_collection()), "COLLECTION_NOT_EXIST");
  EXPECT_EQ(error_code(command("/v1/nope/kv", {{"findOne", json::object()}})), "KEYSPACE_DOES_NOT_EXIST");

  // 1.0.34: UNKNOWN_KEYSPACE, the other older codes still.
  config({{"server_version", "1.0.34"}});
  EXPECT_EQ(error_code(command("/v1/nope/kv", {{"findOne", json::object()}})), "UNKNOWN_KEYSPACE");
  EXPECT_EQ(error_code(coll({{"find", {{"filter", {{"_id", {{"$size", 1}}}}}}}})), "UNSUPPORTED_FILTER_OPERATION");

  // 1.0.35: the current codes, except the collection-not-found one.
  config({{"server_version", "1.0.35"}});
  EXPECT_EQ(error_code(coll({{"find", {{"filter", {{"_id", {{"$size", 1}}}}}}}})), "FILTER_UNSUPPORTED_OPERATOR");
  EXPECT_EQ(error_code(missing_collection()), "COLLECTION_NOT_EXIST");
  EXPECT_EQ(error_code(command("/v1/nope/kv", {{"findOne", json::object()}})), "UNKNOWN_KEYSPACE");

  // 1.0.41: UNKNOWN_COLLECTION_OR_TABLE; 1.0.47: pages of 50.
  config({{"server_version", "1.0.41"}});
  EXPECT_EQ(error_code(missing_collection()), "UNKNOWN_COLLECTION_OR_TABLE");
  EXPECT_EQ(find_count(json::object()), 20u);
  config({{"server_version", "1.0.47"}});
  EXPECT_EQ(find_count(json::object()), 50u);

  // 1.0.18 (what --legacy and "legacy": true select): {message, errorCode}.
  config({{"server_version", "1.0.18"}});
  EXPECT_EQ(config(json::object()).at("legacy"), true);
  EXPECT_EQ(missing_collection().at("errors").at(0).as_object().size(), 2u);
  config({{"legacy", false}});
  EXPECT_EQ(config(json::object()).at("server_version"), "1.0.51");
  // Not a release: refused.
  EXPECT_EQ(conn_->request("POST", "/_test/config", R"({"server_version": "2.1"})", {}).status, 400u);
}

TEST_F(DataApiServer, LegacyIsTheOldestRelease) {
  start({"--legacy"});
  EXPECT_EQ(config(json::object()).at("server_version"), "1.0.18");
  EXPECT_EQ(exit_status_of("--server-version 1.x"), 2);
}

TEST_F(DataApiServer, DeleteManyLoopsOnMoreData) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  insert_keys(45);
  coll({{"insertOne", {{"document", {{"_id", "other"}}}}}});
  std::vector<std::int64_t> counts;
  bool more = true;
  while (more) {
    auto r = coll({{"deleteMany", {{"filter", {{"_id", {{"$lt", "l"}}}}}}}});
    counts.push_back(r.at("status").at("deletedCount").as_int64());
    more = r.at("status").as_object().contains("moreData") && r.at("status").at("moreData").as_bool();
  }
  EXPECT_EQ(counts, (std::vector<std::int64_t>{20, 20, 5}));
  EXPECT_EQ(coll({{"countDocuments", {{"filter", json::object()}}}}).at("status").at("count"), 1);
  // deleteOne
  EXPECT_EQ(coll({{"deleteOne", {{"filter", {{"_id", "other"}}}}}}).at("status").at("deletedCount"), 1);
  EXPECT_EQ(coll({{"deleteOne", {{"filter", {{"_id", "other"}}}}}}).at("status").at("deletedCount"), 0);
}

TEST_F(DataApiServer, EmptyFilterTruncates) {
  start();
  create_collection();
  insert_keys(250);
  auto r = coll({{"deleteMany", {{"filter", json::object()}}}});
  EXPECT_EQ(r.at("status").at("deletedCount"), -1);
  EXPECT_FALSE(r.at("status").as_object().contains("moreData"));
  EXPECT_EQ(coll({{"countDocuments", {{"filter", json::object()}}}}).at("status").at("count"), 0);
}

TEST_F(DataApiServer, CountStopsAtAThousand) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  insert_keys(1001);
  auto r = coll({{"countDocuments", {{"filter", json::object()}}}});
  EXPECT_EQ(r.at("status"), (json::object{{"count", 1000}, {"moreData", true}}));
  r = coll({{"countDocuments", {{"filter", {{"_id", {{"$lt", key(10)}}}}}}}});
  EXPECT_EQ(r.at("status"), (json::object{{"count", 10}}));
  EXPECT_EQ(coll({{"estimatedDocumentCount", json::object()}}).at("status").at("count"), 1001);
}

TEST_F(DataApiServer, IndexedStringLimitHonoursTheIndexingPolicy) {
  start();
  create_collection();  // everything indexed
  const std::string at_limit(8000, 'x'), over(8001, 'x');
  auto r = coll({{"insertOne", {{"document", {{"_id", "a"}, {"value", at_limit}}}}}});
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array{"a"});
  r = coll({{"insertOne", {{"document", {{"_id", "b"}, {"value", over}}}}}});
  EXPECT_EQ(error_code(r), "SHRED_DOC_LIMIT_VIOLATION");
  // Multi-byte characters count in UTF-8 bytes: 4001 x "é" is 8002 bytes.
  std::string accents;
  for (int i = 0; i < 4001; ++i) accents += "\xc3\xa9";
  r = coll({{"insertOne", {{"document", {{"_id", "c"}, {"nested", {{"deep", accents}}}}}}}});
  EXPECT_EQ(error_code(r), "SHRED_DOC_LIMIT_VIOLATION");
  r = coll({{"findOneAndReplace", {{"filter", {{"_id", "a"}}}, {"replacement", {{"value", over}}}}}});
  EXPECT_EQ(error_code(r), "SHRED_DOC_LIMIT_VIOLATION");

  command(kKeyspacePath, {{"createCollection", {{"name", "ids_only"}, {"options", {{"indexing", {{"allow", json::array{"_id"}}}}}}}}});
  r = command(kKeyspacePath + "/ids_only",
              {{"insertOne", {{"document", {{"_id", "big"}, {"value", std::string(100000, 'y')}}}}}});
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array{"big"});
  // _id itself is capped.
  r = command(kKeyspacePath + "/ids_only", {{"insertOne", {{"document", {{"_id", over}}}}}});
  EXPECT_EQ(error_code(r), "SHRED_DOC_LIMIT_VIOLATION");
  command(kKeyspacePath, {{"createCollection", {{"name", "deny_value"}, {"options", {{"indexing", {{"deny", json::array{"value"}}}}}}}}});
  r = command(kKeyspacePath + "/deny_value", {{"insertOne", {{"document", {{"_id", "big"}, {"value", over}}}}}});
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array{"big"});
}

TEST_F(DataApiServer, DocumentSizeLimit) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  // {"_id":"a","value":"..."} is 22 characters around the value.
  auto r = coll({{"insertOne", {{"document", {{"_id", "a"}, {"value", std::string(4'000'000 - 22, 'x')}}}}}});
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array{"a"}) << r.at("errors");
  r = coll({{"insertOne", {{"document", {{"_id", "b"}, {"value", std::string(4'000'000 - 21, 'x')}}}}}});
  EXPECT_EQ(error_code(r), "SHRED_DOC_LIMIT_VIOLATION");
  r = coll({{"insertMany", {{"documents", json::array{{{"_id", "c"}, {"value", std::string(4'100'000, 'x')}}, {{"_id", "d"}}}},
             {"options", {{"returnDocumentResponses", true}}}}}});
  EXPECT_EQ(r.at("status").at("documentResponses").at(0).at("status"), "ERROR");
  EXPECT_EQ(r.at("status").at("documentResponses").at(1).at("status"), "OK");
  EXPECT_EQ(error_code(r), "SHRED_DOC_LIMIT_VIOLATION");
}

TEST_F(DataApiServer, Projection) {
  start();
  create_collection();
  coll({{"insertOne", {{"document", {{"_id", "a"}, {"value", "V"}, {"meta", {{"x", 1}, {"y", 2}}}}}}}});
  auto find = [&](const json::value& projection) {
    return coll({{"findOne", {{"filter", {{"_id", "a"}}}, {"projection", projection}}}}).at("data").at("document");
  };
  const json::object whole{{"_id", "a"}, {"value", "V"}, {"meta", {{"x", 1}, {"y", 2}}}};
  // _id never counts as an inclusion: {"_id": 1} alone excludes nothing.
  EXPECT_EQ(find({{"_id", 1}}), whole);
  EXPECT_EQ(find({{"_id", true}}), whole);
  EXPECT_EQ(find({{"_id", 0}}), (json::object{{"value", "V"}, {"meta", {{"x", 1}, {"y", 2}}}}));
  EXPECT_EQ(find({{"value", 0}, {"meta", 0}}), (json::object{{"_id", "a"}}));
  EXPECT_EQ(find({{"_id", 1}, {"value", 0}, {"meta", 0}}), (json::object{{"_id", "a"}}));
  EXPECT_EQ(find({{"value", 1}}), (json::object{{"_id", "a"}, {"value", "V"}}));
  EXPECT_EQ(find({{"meta", {{"y", 1}}}}), (json::object{{"_id", "a"}, {"meta", {{"y", 2}}}}));
  EXPECT_EQ(find({{"_id", 0}, {"value", 1}}), (json::object{{"value", "V"}}));
  EXPECT_EQ(find({{"value", 0}}), (json::object{{"_id", "a"}, {"meta", {{"x", 1}, {"y", 2}}}}));
  EXPECT_EQ(find({{"meta.y", 0}}), (json::object{{"_id", "a"}, {"value", "V"}, {"meta", {{"x", 1}}}}));
  EXPECT_EQ(find({{"meta.x", 1}}), (json::object{{"_id", "a"}, {"meta", {{"x", 1}}}}));
  EXPECT_EQ(find({{"*", 1}}), (json::object{{"_id", "a"}, {"value", "V"}, {"meta", {{"x", 1}, {"y", 2}}}}));
  EXPECT_EQ(find({{"*", 0}}), json::object());
  EXPECT_EQ(find(nullptr), (json::object{{"_id", "a"}, {"value", "V"}, {"meta", {{"x", 1}, {"y", 2}}}}));
  auto r = coll({{"find", {{"projection", {{"value", 1}, {"meta", 0}}}}}});
  EXPECT_EQ(error_code(r), "UNSUPPORTED_PROJECTION_PARAM");
  r = coll({{"find", {{"projection", {{"value", 0}, {"meta.x", 1}}}}}});
  EXPECT_EQ(error_code(r), "UNSUPPORTED_PROJECTION_PARAM");
}

// ByteStore's documents are {_id, value}: the projections its backend sends.
TEST_F(DataApiServer, ProjectionOfKeyValueDocuments) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  insert_keys(2);
  auto find = [&](const json::value& projection) {
    return coll({{"find", {{"filter", {{"_id", {{"$in", json::array{key(0), key(1)}}}}}}, {"projection", projection}}}})
        .at("data")
        .at("documents");
  };
  const json::array whole{{{"_id", key(0)}, {"value", "v0"}}, {{"_id", key(1)}, {"value", "v1"}}};
  EXPECT_EQ(find({{"_id", 1}}), whole);
  EXPECT_EQ(find({{"value", 1}}), whole);
  EXPECT_EQ(find({{"value", 0}}), (json::array{{{"_id", key(0)}}, {{"_id", key(1)}}}));
  EXPECT_EQ(find({{"_id", 0}}), (json::array{{{"value", "v0"}}, {{"value", "v1"}}}));
  EXPECT_EQ(find({{"*", 0}}), (json::array{json::object(), json::object()}));
}

TEST_F(DataApiServer, FindOneAndReplaceUpsertsAndCounts) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  auto replace = [&](const std::string& id, const std::string& value, bool upsert, const char* ret) {
    return coll({{"findOneAndReplace", {{"filter", {{"_id", id}}},
                                        {"replacement", {{"_id", id}, {"value", value}}},
                                        {"options", {{"upsert", upsert}, {"returnDocument", ret}}}}}});
  };
  auto r = replace("a", "1", false, "before");
  EXPECT_EQ(r.at("status"), (json::object{{"matchedCount", 0}, {"modifiedCount", 0}}));
  EXPECT_TRUE(r.at("data").at("document").is_null());
  r = replace("a", "1", true, "before");
  EXPECT_EQ(r.at("status"), (json::object{{"matchedCount", 0}, {"modifiedCount", 0}, {"upsertedId", "a"}}));
  r = replace("a", "2", true, "before");
  EXPECT_EQ(r.at("status"), (json::object{{"matchedCount", 1}, {"modifiedCount", 1}}));
  EXPECT_EQ(r.at("data").at("document"), (json::object{{"_id", "a"}, {"value", "1"}}));
  r = replace("a", "2", true, "after");
  EXPECT_EQ(r.at("status"), (json::object{{"matchedCount", 1}, {"modifiedCount", 0}}));
  EXPECT_EQ(r.at("data").at("document"), (json::object{{"_id", "a"}, {"value", "2"}}));
  // The replacement may leave _id out; a different _id is refused.
  r = coll({{"findOneAndReplace", {{"filter", {{"_id", "b"}}}, {"replacement", {{"value", "3"}}}, {"options", {{"upsert", true}}}}}});
  EXPECT_EQ(r.at("status").at("upsertedId"), "b");
  r = coll({{"findOneAndReplace", {{"filter", {{"_id", "b"}}}, {"replacement", {{"_id", "c"}}}}}});
  EXPECT_EQ(error_code(r), "DOCUMENT_REPLACE_DIFFERENT_DOCID");
  // updateOne with $set, as clients send for updates.
  r = coll({{"updateOne", {{"filter", {{"_id", "b"}}}, {"update", {{"$set", {{"value", "4"}}}}}}}});
  EXPECT_EQ(r.at("status"), (json::object{{"matchedCount", 1}, {"modifiedCount", 1}}));
  r = coll({{"findOne", {{"filter", {{"_id", "b"}}}}}});
  EXPECT_EQ(r.at("data").at("document"), (json::object{{"_id", "b"}, {"value", "4"}}));
}

TEST_F(DataApiServer, LatencyOverlapsAcrossConnections) {
  start({"--latency-ms", "100"});
  create_collection();
  const auto begin = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::vector<unsigned> statuses(20);
  for (std::size_t i = 0; i < 20; ++i) {
    threads.emplace_back([&, i] {
      HttpConnection c(port());
      statuses[i] = c.post(kCollPath, R"({"countDocuments":{"filter":{}}})").status;
    });
  }
  for (auto& t : threads) t.join();
  const auto elapsed = std::chrono::steady_clock::now() - begin;
  for (auto s : statuses) EXPECT_EQ(s, 200u);
  EXPECT_LT(elapsed, std::chrono::seconds(1));
  EXPECT_GE(elapsed, std::chrono::milliseconds(100));
}

TEST_F(DataApiServer, FailRateIsAboutRightAndRepeatsWithTheSeed) {
  auto run = [&](std::vector<unsigned>& statuses) {
    start({"--fail-rate", "0.3", "--fail-modes", "429,503", "--seed", "42"});
    create_collection();
    for (int i = 0; i < 300; ++i) statuses.push_back(conn_->post(kCollPath, R"({"countDocuments":{"filter":{}}})").status);
  };
  std::vector<unsigned> first, second;
  run(first);
  run(second);
  EXPECT_EQ(first, second);
  std::size_t s429 = 0, s503 = 0;
  for (auto s : first) {
    s429 += s == 429;
    s503 += s == 503;
    EXPECT_TRUE(s == 200 || s == 429 || s == 503) << s;
  }
  EXPECT_GT(s429 + s503, 60u);
  EXPECT_LT(s429 + s503, 120u);
  EXPECT_GT(s429, 0u);
  EXPECT_GT(s503, 0u);
  const auto st = stats();
  EXPECT_EQ(st.at("faults").at("429").as_int64() + st.at("faults").at("503").as_int64(),
            static_cast<std::int64_t>(s429 + s503) + 0);
}

TEST_F(DataApiServer, StatsCountRequestsPerCommand) {
  start();
  create_collection();
  insert_keys(150);
  coll({{"find", json::object()}});
  coll({{"find", json::object()}});
  auto st = stats();
  EXPECT_EQ(st.at("total"), 5);
  EXPECT_EQ(st.at("commands"), (json::object{{"createCollection", 1}, {"insertMany", 2}, {"find", 2}}));
  EXPECT_EQ(st.at("statuses"), (json::object{{"200", 5}}));
  EXPECT_GT(st.at("bytes_received").as_int64(), 150 * 10);
  EXPECT_GT(st.at("bytes_sent").as_int64(), 40 * 10);
  EXPECT_EQ(conn_->request("POST", "/_test/reset-stats", "", {}).status, 200u);
  st = stats();
  EXPECT_EQ(st.at("total"), 0);
  EXPECT_EQ(st.at("commands"), json::object());
  EXPECT_EQ(st.at("bytes_sent"), 0);
}

TEST_F(DataApiServer, ScheduledFaults) {
  start();
  create_collection();
  auto cfg = config({{"fault", "truncated_json"}, {"next", 2}});
  EXPECT_EQ(cfg.at("scheduled"), (json::object{{"fault", "truncated_json"}, {"next", 2}}));
  for (int i = 0; i < 2; ++i) {
    auto r = conn_->post(kCollPath, R"({"countDocuments":{"filter":{}}})");
    EXPECT_EQ(r.status, 200u);
    EXPECT_TRUE(r.json().is_null()) << r.body;
  }
  EXPECT_EQ(coll({{"countDocuments", {{"filter", json::object()}}}}).at("status").at("count"), 0);
  config({{"fault", "errors_200"}, {"next", 1}});
  auto r = coll({{"insertOne", {{"document", {{"_id", "a"}}}}}});
  EXPECT_EQ(error_code(r), "UNEXPECTED_SERVER_ERROR");
  EXPECT_EQ(r.at("errors").at(0).at("family"), "SERVER");
  EXPECT_EQ(coll({{"countDocuments", {{"filter", json::object()}}}}).at("status").at("count"), 0);  // not run
  // timeout: no answer, then the connection closes; reset: closes at once.
  config({{"fault", "timeout"}, {"next", 1}, {"timeout_hold_ms", 300}});
  auto begin = std::chrono::steady_clock::now();
  EXPECT_THROW(conn_->post(kCollPath, R"({"countDocuments":{"filter":{}}})"), boost::system::system_error);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(250));
  conn_ = std::make_unique<HttpConnection>(port());
  config({{"fault", "reset"}, {"next", 1}});
  EXPECT_THROW(conn_->post(kCollPath, R"({"countDocuments":{"filter":{}}})"), boost::system::system_error);
  conn_ = std::make_unique<HttpConnection>(port());
  config({{"fault", "reset_mid_body"}, {"next", 1}});
  EXPECT_THROW(conn_->post(kCollPath, R"({"countDocuments":{"filter":{}}})"), boost::system::system_error);
  conn_ = std::make_unique<HttpConnection>(port());
  EXPECT_EQ(coll({{"countDocuments", {{"filter", json::object()}}}}).at("status").at("count"), 0);
  // Bad knobs are refused with 400 and change nothing.
  auto bad = conn_->request("POST", "/_test/config", R"({"fail_rate": 2, "latency_ms": 5})", {});
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(config(json::object()).at("latency_ms"), 0);
}

TEST_F(DataApiServer, ServesHttpsWithTlsCertAndKey) {
  const SelfSignedCertificate certificate;
  ASSERT_TRUE(certificate.made()) << "the openssl command could not make a certificate";
  start({"--tls-cert", certificate.cert(), "--tls-key", certificate.key()}, ClientTls{certificate.cert()});
  EXPECT_EQ(server_->listening_line(), "listening on 127.0.0.1:" + std::to_string(port()));
  create_collection();
  EXPECT_EQ(coll({{"insertOne", {{"document", {{"_id", "a"}}}}}}).at("status").at("insertedIds"), json::array{"a"});
  EXPECT_EQ(coll({{"countDocuments", {{"filter", json::object()}}}}).at("status").at("count"), 1);
  EXPECT_EQ(stats().at("commands").at("insertOne"), 1);  // /_test/* on the same listener
  // Without the certificate as CA, or for another name, it does not verify.
  EXPECT_THROW(HttpConnection(port(), ClientTls{}), boost::system::system_error);
  EXPECT_THROW(HttpConnection(port(), ClientTls{certificate.cert(), "example.com"}), boost::system::system_error);
  // Plain HTTP gets no HTTP answer.
  EXPECT_THROW(HttpConnection(port()).post(kCollPath, R"({"countDocuments":{"filter":{}}})"),
               boost::system::system_error);

  // The faults behave over TLS as over plain HTTP.
  config({{"fault", "truncated_json"}, {"next", 1}});
  auto r = conn_->post(kCollPath, R"({"countDocuments":{"filter":{}}})");
  EXPECT_EQ(r.status, 200u);
  EXPECT_TRUE(r.json().is_null()) << r.body;
  config({{"fault", "reset"}, {"next", 1}});
  EXPECT_THROW(conn_->post(kCollPath, R"({"countDocuments":{"filter":{}}})"), boost::system::system_error);
  reconnect();
  config({{"fault", "reset_mid_body"}, {"next", 1}});
  EXPECT_THROW(conn_->post(kCollPath, R"({"countDocuments":{"filter":{}}})"), boost::system::system_error);
  reconnect();
  config({{"fault", "timeout"}, {"next", 1}, {"timeout_hold_ms", 300}});
  const auto begin = std::chrono::steady_clock::now();
  EXPECT_THROW(conn_->post(kCollPath, R"({"countDocuments":{"filter":{}}})"), boost::system::system_error);
  EXPECT_GE(std::chrono::steady_clock::now() - begin, std::chrono::milliseconds(250));
  reconnect();
  EXPECT_EQ(coll({{"countDocuments", {{"filter", json::object()}}}}).at("status").at("count"), 1);
  conn_.reset();
  EXPECT_EQ(server_->stop(), 0);
}

TEST_F(DataApiServer, TlsFlagsGoTogether) {
  EXPECT_EQ(exit_status_of("--tls-cert /nonexistent/cert.pem"), 2);
  EXPECT_EQ(exit_status_of("--tls-key /nonexistent/key.pem"), 2);
  // Both given but unreadable: the server does not start.
  EXPECT_EQ(exit_status_of("--tls-cert /nonexistent/cert.pem --tls-key /nonexistent/key.pem"), 1);
}

// The database errors real servers answer at HTTP 200 and mark safe to
// retry: inserts fail document by document, other commands as a whole.
TEST_F(DataApiServer, DatabaseFaultsAnswerRetryableErrors) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  const json::array docs{{{"_id", "a"}}, {{"_id", "b"}}};
  auto count = [&] { return coll({{"countDocuments", {{"filter", json::object()}}}}).at("status").at("count"); };
  auto expect_database_error = [](const json::value& error, const char* code, const char* title) {
    EXPECT_EQ(error.at("errorCode"), code);
    EXPECT_EQ(error.at("family"), "SERVER");
    EXPECT_EQ(error.at("scope"), "DATABASE");
    EXPECT_EQ(error.at("title"), title);
    EXPECT_NE(std::string(error.at("message").as_string()).find("It is safe to retry this request."),
              std::string::npos);
  };

  // insertMany with documentResponses: every document ERROR with its own error.
  config({{"fault", "db_timeout"}, {"next", 1}});
  auto r = coll({{"insertMany", {{"documents", docs}, {"options", {{"returnDocumentResponses", true}}}}}});
  EXPECT_EQ(r.at("status").at("documentResponses"),
            (json::array{{{"_id", "a"}, {"status", "ERROR"}, {"errorsIdx", 0}},
                         {{"_id", "b"}, {"status", "ERROR"}, {"errorsIdx", 1}}}));
  ASSERT_EQ(r.at("errors").as_array().size(), 2u);
  expect_database_error(r.at("errors").at(0), "TIMEOUT_WRITING_DATA", "Timeout writing data to the database");
  EXPECT_EQ(r.at("errors").at(0).at("documentIds"), json::array{"a"});
  EXPECT_EQ(r.at("errors").at(1).at("documentIds"), json::array{"b"});
  EXPECT_EQ(count(), 0);
  // Without documentResponses: no insertedIds for them, one error each.
  config({{"fault", "db_timeout"}, {"next", 1}});
  r = coll({{"insertMany", {{"documents", docs}}}});
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array());
  EXPECT_EQ(r.at("errors").as_array().size(), 2u);
  EXPECT_EQ(r.at("errors").at(1).at("documentIds"), json::array{"b"});
  // Ordered: the first fails, the rest are skipped.
  config({{"fault", "db_timeout"}, {"next", 1}});
  r = coll({{"insertMany",
             {{"documents", docs}, {"options", {{"ordered", true}, {"returnDocumentResponses", true}}}}}});
  EXPECT_EQ(r.at("status").at("documentResponses"),
            (json::array{{{"_id", "a"}, {"status", "ERROR"}, {"errorsIdx", 0}}, {{"_id", "b"}, {"status", "SKIPPED"}}}));
  EXPECT_EQ(count(), 0);
  // insertOne: the same shape with one document.
  config({{"fault", "db_timeout"}, {"next", 1}});
  r = coll({{"insertOne", {{"document", {{"_id", "c"}}}}}});
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array());
  EXPECT_EQ(error_code(r), "TIMEOUT_WRITING_DATA");
  EXPECT_EQ(r.at("errors").at(0).at("documentIds"), json::array{"c"});

  // db_timeout_applied: the same answer, but the writes landed, so a retry
  // meets DOCUMENT_ALREADY_EXISTS.
  config({{"fault", "db_timeout_applied"}, {"next", 1}});
  r = coll({{"insertMany", {{"documents", docs}}}});
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array());
  EXPECT_EQ(error_code(r, 1), "TIMEOUT_WRITING_DATA");
  EXPECT_EQ(count(), 2);
  r = coll({{"insertMany", {{"documents", docs}}}});
  EXPECT_EQ(error_code(r, 0), "DOCUMENT_ALREADY_EXISTS");
  EXPECT_EQ(error_code(r, 1), "DOCUMENT_ALREADY_EXISTS");

  // Reads fail as a whole with TIMEOUT_READING_DATA, no data.
  config({{"fault", "db_timeout"}, {"next", 1}});
  r = coll({{"find", json::object()}});
  expect_database_error(r.at("errors").at(0), "TIMEOUT_READING_DATA", "Timeout reading data from the database");
  EXPECT_FALSE(r.as_object().contains("data"));
  // Other writes: not run with db_timeout, run with db_timeout_applied.
  config({{"fault", "db_timeout"}, {"next", 1}});
  EXPECT_EQ(error_code(coll({{"deleteMany", {{"filter", json::object()}}}})), "TIMEOUT_WRITING_DATA");
  EXPECT_EQ(count(), 2);
  config({{"fault", "db_timeout_applied"}, {"next", 1}});
  r = coll({{"deleteOne", {{"filter", {{"_id", "a"}}}}}});
  EXPECT_EQ(error_code(r), "TIMEOUT_WRITING_DATA");
  EXPECT_FALSE(r.as_object().contains("status"));
  EXPECT_EQ(count(), 1);
  // db_unavailable: UNAVAILABLE_DATABASE, not run.
  config({{"fault", "db_unavailable"}, {"next", 1}});
  r = coll({{"findOneAndReplace",
             {{"filter", {{"_id", "z"}}}, {"replacement", {{"v", 1}}}, {"options", {{"upsert", true}}}}}});
  expect_database_error(r.at("errors").at(0), "UNAVAILABLE_DATABASE", "The database is unavailable");
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(stats().at("faults"), (json::object{{"db_timeout", 6}, {"db_timeout_applied", 2}, {"db_unavailable", 1}}));

  // Servers before 1.0.35 answered a driver timeout with HTTP 504.
  config({{"server_version", "1.0.34"}, {"fault", "db_timeout"}, {"next", 1}});
  const auto old = conn_->post(kCollPath, R"({"find":{}})");
  EXPECT_EQ(old.status, 504u);
  EXPECT_EQ(error_code(old.json()), "SERVER_DRIVER_TIMEOUT");
  config({{"fault", "errors_200"}, {"next", 1}});
  EXPECT_EQ(error_code(coll({{"find", json::object()}})), "SERVER_UNHANDLED_ERROR");
}

// A seeded draw among the database faults repeats exactly.
TEST_F(DataApiServer, DatabaseFaultsFollowTheSeed) {
  start({"--fail-rate", "0.5", "--fail-modes", "db_timeout,db_unavailable,db_timeout_applied", "--seed", "11"});
  config({{"fail_rate", 0}});
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  auto run = [&] {
    config({{"fail_rate", 0.5}, {"seed", 11}});
    std::vector<std::string> codes;
    for (int i = 0; i < 30; ++i) codes.push_back(error_code(coll({{"countDocuments", {{"filter", json::object()}}}})));
    config({{"fail_rate", 0}});
    return codes;
  };
  const auto first = run();
  EXPECT_EQ(run(), first);
  const std::set<std::string> seen(first.begin(), first.end());
  EXPECT_EQ(seen, (std::set<std::string>{"", "TIMEOUT_READING_DATA", "UNAVAILABLE_DATABASE"}));
}

TEST_F(DataApiServer, VerboseLogNeverShowsTheToken) {
  const std::string token = "AstraCS:do-not-print-me";
  start({"--verbose", "--token", token});
  for (int i = 0; i < 3; ++i) conn_->post(kKeyspacePath, R"({"findCollections":{}})", token);
  conn_->post(kKeyspacePath, R"({"findCollections":{}})", "wrong-token");
  conn_.reset();
  server_->stop();
  const auto log = server_->stderr_text();
  EXPECT_NE(log.find("findCollections"), std::string::npos) << log;
  EXPECT_EQ(log.find("do-not-print-me"), std::string::npos) << log;
  EXPECT_EQ(log.find("wrong-token"), std::string::npos) << log;
}

// The open-source defaults: 5 collections per database, across keyspaces;
// then an index budget where every collection uses 8 indexes (none with
// indexing deny ["*"]) and a new one needs 10 free.
TEST_F(DataApiServer, CollectionAndIndexLimits) {
  start();
  const auto cfg = config(json::object());
  EXPECT_EQ(cfg.at("max_collections"), 5);
  EXPECT_EQ(cfg.at("max_indexes"), 100);
  EXPECT_EQ(cfg.at("indexes_per_collection"), 10);
  auto create = [&](const std::string& keyspace, const std::string& name, const json::value& options) {
    return command("/v1/" + keyspace, {{"createCollection", {{"name", name}, {"options", options}}}});
  };
  command("/v1", {{"createKeyspace", {{"name", "other"}}}});
  for (const auto* name : {"c1", "c2", "c3"}) EXPECT_EQ(create("default_keyspace", name, json::object()).at("status").at("ok"), 1);
  for (const auto* name : {"c4", "c5"}) EXPECT_EQ(create("other", name, json::object()).at("status").at("ok"), 1);
  auto r = create("default_keyspace", "c6", json::object());
  EXPECT_EQ(error_code(r), "TOO_MANY_COLLECTIONS");
  EXPECT_EQ(r.at("errors").at(0).at("scope"), "SCHEMA");
  EXPECT_EQ(create("other", "c5", json::object()).at("status").at("ok"), 1);  // existing: no limit
  command("/v1/other", {{"deleteCollection", {{"name", "c5"}}}});
  EXPECT_EQ(create("other", "c5", json::object()).at("status").at("ok"), 1);

  // Five collections use 40 indexes; with 42 available a new one (10) does not fit.
  config({{"max_collections", 0}, {"max_indexes", 42}});
  r = create("default_keyspace", "c6", json::object());
  EXPECT_EQ(error_code(r), "TOO_MANY_INDEXES_FOR_COLLECTION");
  EXPECT_EQ(r.at("errors").at(0).at("scope"), "SCHEMA");
  command("/v1/other", {{"deleteCollection", {{"name", "c5"}}}});  // 32 used
  const json::value deny_all = {{"indexing", {{"deny", json::array{"*"}}}}};
  EXPECT_EQ(create("default_keyspace", "free", deny_all).at("status").at("ok"), 1);  // uses none
  const json::value id_only = {{"indexing", {{"allow", json::array{"_id"}}}}};
  EXPECT_EQ(create("default_keyspace", "id_only", id_only).at("status").at("ok"), 1);  // uses 8: 40
  EXPECT_EQ(error_code(create("default_keyspace", "c7", deny_all)), "TOO_MANY_INDEXES_FOR_COLLECTION");
  config({{"max_indexes", 0}});
  EXPECT_EQ(create("default_keyspace", "c7", json::object()).at("status").at("ok"), 1);
  // Servers before 1.0.35 called it TOO_MANY_INDEXES.
  config({{"max_indexes", 1}, {"server_version", "1.0.34"}});
  EXPECT_EQ(error_code(create("default_keyspace", "c8", json::object())), "TOO_MANY_INDEXES");
}

TEST_F(DataApiServer, EmptyIdIsRefused) {
  start();
  create_collection({{"indexing", {{"allow", json::array{"_id"}}}}});
  auto r = coll({{"insertOne", {{"document", {{"_id", ""}}}}}});
  EXPECT_EQ(error_code(r), "SHRED_BAD_DOCID_VALUE");
  EXPECT_EQ(r.at("errors").at(0).at("scope"), "DOCUMENT");
  // A failed insertOne keeps status.insertedIds, empty, as the real server.
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array());
  r = coll({{"insertMany", {{"documents", json::array{{{"_id", ""}}, {{"_id", "a"}}}}}}});
  EXPECT_EQ(error_code(r), "SHRED_BAD_DOCID_VALUE");
  EXPECT_EQ(r.at("status").at("insertedIds"), json::array{"a"});
  r = coll({{"insertOne", {{"document", {{"_id", "a"}}}}}});
  EXPECT_EQ(r, (json::object{{"status", {{"insertedIds", json::array()}}}, {"errors", r.at("errors")}}));
  EXPECT_EQ(r.at("errors").at(0).at("documentIds"), json::array{"a"});
  EXPECT_EQ(error_code(r), "DOCUMENT_ALREADY_EXISTS");
  r = coll({{"findOneAndReplace",
             {{"filter", {{"_id", "b"}}}, {"replacement", {{"_id", ""}}}, {"options", {{"upsert", true}}}}}});
  EXPECT_FALSE(error_code(r).empty());
  EXPECT_EQ(error_code(coll({{"find", {{"filter", {{"_id", ""}}}}}})), "SHRED_BAD_DOCID_VALUE");
  EXPECT_EQ(error_code(coll({{"find", {{"filter", {{"_id", {{"$in", json::array{"a", ""}}}}}}}}})),
            "SHRED_BAD_DOCID_VALUE");
  config({{"server_version", "1.0.34"}});
  EXPECT_EQ(error_code(coll({{"insertOne", {{"document", {{"_id", ""}}}}}})), "SHRED_BAD_DOCID_EMPTY_STRING");
}

TEST_F(DataApiServer, FilterOfMoreThan64ExpressionsIsRefused) {
  start();
  create_collection();
  json::object filter;
  for (int i = 0; i < 64; ++i) filter["f" + std::to_string(i)] = i;
  EXPECT_TRUE(coll({{"find", {{"filter", filter}}}}).at("data").at("documents").as_array().empty());
  filter["one_more"] = json::object{{"$exists", true}};
  auto r = coll({{"find", {{"filter", filter}}}});
  EXPECT_EQ(error_code(r), "FILTER_FIELDS_LIMIT_VIOLATION");
  EXPECT_EQ(r.at("errors").at(0).at("scope"), "FILTER");
  // One per operator: {"a": {"$gt": 1, "$lt": 5}} is two.
  config({{"max_filter_expressions", 2}});
  EXPECT_EQ(error_code(coll({{"find", {{"filter", {{"a", {{"$gt", 1}, {"$lt", 5}}}}}}}})), "");
  EXPECT_EQ(error_code(coll({{"find", {{"filter", {{"a", {{"$gt", 1}, {"$lt", 5}}}, {"b", 1}}}}}})),
            "FILTER_FIELDS_LIMIT_VIOLATION");
}

TEST_F(DataApiServer, IndexingIsCheckedAndComparedAsSets) {
  start();
  auto create = [&](const json::value& indexing) {
    return command(kKeyspacePath, {{"createCollection", {{"name", "c"}, {"options", {{"indexing", indexing}}}}}});
  };
  for (const json::value& bad : {json::value{{"allow", json::array{"a"}}, {"deny", json::array{"b"}}},
                                json::value(json::object()), json::value{{"allow", json::array{"a", "a"}}},
                                json::value{{"allow", json::array{""}}}, json::value{{"deny", json::array{"$x"}}}}) {
    const auto r = create(bad);
    EXPECT_EQ(error_code(r), "INVALID_INDEXING_DEFINITION") << bad;
    EXPECT_EQ(r.at("errors").at(0).at("scope"), "SCHEMA");
  }
  EXPECT_EQ(error_code(create({{"allow", json::array{"a"}}, {"other", 1}})), "INVALID_CREATE_COLLECTION_FIELD");
  EXPECT_EQ(create({{"allow", json::array{"a", "_id"}}}).at("status").at("ok"), 1);
  EXPECT_EQ(create({{"allow", json::array{"_id", "a"}}}).at("status").at("ok"), 1);
  EXPECT_EQ(error_code(create({{"allow", json::array{"_id"}}})), "EXISTING_COLLECTION_DIFFERENT_SETTINGS");
}

TEST_F(DataApiServer, ProjectionMustBeAnObjectAndUpdatesSpareId) {
  start();
  create_collection();
  coll({{"insertOne", {{"document", {{"_id", "a"}, {"n", 1}}}}}});
  EXPECT_EQ(error_code(coll({{"find", {{"projection", json::array{"n"}}}}})), "UNSUPPORTED_PROJECTION_DEFINITION");
  EXPECT_EQ(error_code(coll({{"updateOne", {{"filter", {{"_id", "a"}}}, {"update", {{"$set", {{"_id", "b"}}}}}}}})),
            "UNSUPPORTED_UPDATE_OPERATOR_FOR_DOC_ID");
  EXPECT_EQ(error_code(coll({{"updateOne", {{"filter", {{"_id", "a"}}}, {"update", {{"$set", 1}}}}}})),
            "UNSUPPORTED_UPDATE_DATA_TYPE");
}

TEST_F(DataApiServer, KeyspacesCanBeCreatedAndListed) {
  start();
  EXPECT_EQ(command("/v1", {{"findKeyspaces", json::object()}}).at("status").at("keyspaces"),
            json::array{"default_keyspace"});
  EXPECT_EQ(command("/v1", {{"createKeyspace", {{"name", "other"}}}}).at("status").at("ok"), 1);
  EXPECT_EQ(command("/v1/other", {{"createCollection", {{"name", "c"}}}}).at("status").at("ok"), 1);
  EXPECT_EQ(command("/v1/other/c", {{"insertOne", {{"document", {{"_id", 1}}}}}}).at("status").at("insertedIds"),
            json::array{1});
  EXPECT_EQ(error_code(command("/v1/other/c", {{"frobnicate", json::object()}})), "COMMAND_UNKNOWN");
  EXPECT_EQ(conn_->request("POST", "/_test/reset-data", "", {}).status, 200u);
  EXPECT_EQ(command("/v1", {{"findKeyspaces", json::object()}}).at("status").at("keyspaces"),
            json::array{"default_keyspace"});
}

}  // namespace
}  // namespace bytestore::dataapi
