// LangChain.js's own RedisByteStore (@langchain/community/storage/ioredis,
// on ioredis, driven by langchain_js_check.mjs) and the redis backend on
// one real server: UTF-8 values cross both ways byte for byte, with the
// ttl and the key layout both sides expect, and the tests say what the JS
// store does to values that are not UTF-8.
//
// The npm packages (the package.json CMake writes) are installed once into
// the build tree, BYTESTORE_LANGCHAIN_JS_DIR; without node, npm or the
// registry the program exits 77, which ctest reports as skipped.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <memory>

#include "local_redis.h"
#include "subprocess.h"
#include "test_values.h"

namespace bytestore::redis {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using bytestore::testing::hex;
using bytestore::testing::lines_of;
using bytestore::testing::LocalRedis;
using bytestore::testing::pattern_value;
using bytestore::testing::run_program;

namespace fs = std::filesystem;

const fs::path kWorkDir = BYTESTORE_LANGCHAIN_JS_DIR;
const fs::path kScript = kWorkDir / "langchain_js_check.mjs";

LocalRedis* server = nullptr;

class Server : public ::testing::Environment {
 public:
  void SetUp() override { server = new LocalRedis(); }
  void TearDown() override {
    delete server;
    server = nullptr;
  }
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string last_lines(const std::string& text, std::size_t count) {
  const auto lines = lines_of(text);
  std::string tail;
  for (std::size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i) tail += lines[i] + "\n";
  return tail;
}

// Makes the work directory ready: the script copied next to its
// node_modules (ES modules resolve packages from the script's directory),
// and `npm install` run unless this package.json was installed already.
// Returns why the check cannot run, or "" when it can.
std::string prepare_langchain_js() {
  if (!fs::exists(BYTESTORE_NODE_PATH) || !fs::exists(BYTESTORE_NPM_PATH))
    return "node and npm are needed for the LangChain.js check and were not found";
  fs::copy_file(BYTESTORE_LANGCHAIN_JS_SCRIPT, kScript, fs::copy_options::overwrite_existing);
  const fs::path manifest = kWorkDir / "package.json";
  const fs::path installed = kWorkDir / "node_modules" / ".bytestore-installed-package.json";
  if (fs::exists(installed) && read_file(manifest) == read_file(installed)) return {};

  // --legacy-peer-deps: an optional peer of @langchain/community pins an
  // older @langchain/core than the one under test.
  const auto start = std::chrono::steady_clock::now();
  const auto npm = run_program({BYTESTORE_NPM_PATH, "install", "--prefix", kWorkDir.string(), "--legacy-peer-deps",
                                "--no-audit", "--no-fund"});
  const auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ofstream(kWorkDir / "npm.log") << npm.out << npm.err;
  if (npm.exit_code != 0) {
    return "'npm install' failed (is the npm registry reachable?); the end of its log:\n" +
           last_lines(npm.out + npm.err, 20);
  }
  fs::copy_file(manifest, installed, fs::copy_options::overwrite_existing);
  std::cout << "npm install took " << seconds << " s\n";
  return {};
}

std::unique_ptr<ByteStore> open_redis(const std::string& extra) {
  return open_yaml("stores: {r: {backend: redis, url: '" + server->url() + "', " + extra + "}}\ndefault: r\n");
}

std::vector<std::string> keys_of(ByteStore& store, const std::string& prefix) {
  std::vector<std::string> keys;
  for (const std::string& key : store.yield_keys(prefix)) keys.push_back(key);
  return keys;
}

// RedisByteStore on `name_space` running `mode` ("write TTL", "read",
// "list [PREFIX]"); returns its stdout.
std::string langchain_js(const std::string& name_space, const std::vector<std::string>& mode,
                         const std::string& input = {}) {
  std::vector<std::string> argv{BYTESTORE_NODE_PATH, kScript.string(), server->url(), name_space};
  argv.insert(argv.end(), mode.begin(), mode.end());
  const auto run = run_program(argv, input);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out;
}

void js_write(const std::string& name_space, const std::string& ttl, const std::vector<KeyValue>& pairs) {
  std::string input;
  for (const auto& [key, value] : pairs) input += key + "\t" + hex(value) + "\n";
  langchain_js(name_space, {"write", ttl}, input);
}

std::vector<std::string> js_read(const std::string& name_space, const std::vector<std::string>& keys) {
  std::string input;
  for (const std::string& key : keys) input += key + "\n";
  return lines_of(langchain_js(name_space, {"read"}, input));
}

long long pttl(const std::string& stored_key) { return std::stoll(server->cli({"PTTL", stored_key}).out); }

// UTF-8 text as a LangChain.js application stores it (TextEncoder's
// output): accents, symbols, 4-byte characters, NUL (valid UTF-8), empty.
const std::vector<KeyValue> kUtf8Values{
    {"plain", "text value"},
    {"accent", "héllo ✓"},
    {"clé", "日本語のテキスト"},
    {"nested/key", "{\"lc\":1,\"type\":\"constructor\",\"content\":\"😀 ok\"}"},
    {"nul", Bytes("a\0b", 3)},
    {"empty", ""},
};

TEST(LangChainJs, WhatRedisByteStoreWritesThisBackendReads) {
  js_write("js", "60", kUtf8Values);
  auto store = open_redis("namespace: js");
  std::vector<std::string> keys;
  for (const auto& pair : kUtf8Values) keys.push_back(pair.first);
  keys.push_back("absent");
  const auto values = store->mget(keys);
  for (std::size_t i = 0; i < kUtf8Values.size(); ++i) {
    ASSERT_TRUE(values[i]) << keys[i];
    EXPECT_EQ(hex(*values[i]), hex(kUtf8Values[i].second)) << keys[i];
  }
  EXPECT_FALSE(values.back());
  EXPECT_THAT(keys_of(*store, ""),
              UnorderedElementsAre("plain", "accent", "clé", "nested/key", "nul", "empty"));
  // Its ttl is on every key it wrote: SET ... EX 60.
  for (const char* key : {"js/plain", "js/accent", "js/clé", "js/empty"}) {
    EXPECT_GT(pttl(key), 50'000) << key;
    EXPECT_LE(pttl(key), 60'000) << key;
  }
}

TEST(LangChainJs, WhatThisBackendWritesRedisByteStoreReads) {
  // Keys of their own, so nothing the other tests wrote can answer.
  std::vector<KeyValue> pairs;
  std::vector<std::string> keys, expected;
  for (const auto& [key, value] : kUtf8Values) {
    pairs.emplace_back("out-" + key, value);
    keys.push_back("out-" + key);
    expected.push_back("out-" + key + "\t" + hex(value));
  }
  open_redis("namespace: js-out")->mset(std::span<const KeyValue>(pairs));
  keys.push_back("none");
  expected.push_back("none\t-");
  EXPECT_EQ(js_read("js-out", keys), expected);
}

TEST(LangChainJs, YieldKeysFindsWhatThisBackendWroteUnderAPrefix) {
  auto store = open_redis("namespace: js-keys");
  store->mset({{"pre1", "a"}, {"pre/2", "b"}, {"prefix", "c"}, {"pré", "d"}, {"pr", "e"}, {"other", "f"}});
  open_redis("namespace: js-keys-too")->mset({{"pre9", "another namespace"}});
  EXPECT_THAT(lines_of(langchain_js("js-keys", {"list", "pre"})), UnorderedElementsAre("pre1", "pre/2", "prefix"));
  EXPECT_THAT(lines_of(langchain_js("js-keys", {"list"})),
              UnorderedElementsAre("pre1", "pre/2", "prefix", "pré", "pr", "other"));
  // Its prefix is a glob with "*" appended, matched byte by byte: "pr?"
  // takes the first byte of "é" too. This backend's prefixes are literal.
  EXPECT_THAT(lines_of(langchain_js("js-keys", {"list", "pr?"})),
              UnorderedElementsAre("pre1", "pre/2", "prefix", "pré"));
  EXPECT_THAT(keys_of(*store, "pr?"), IsEmpty());
}

// The JS store's limits, LangChain.js's behaviour rather than this
// backend's: its mget returns the stored bytes as they are (mgetBuffer),
// but its mset passes every value through TextDecoder, so what is not
// UTF-8 is stored with U+FFFD (ef bf bd) in place of each bad sequence, and
// a leading byte order mark is dropped.
TEST(LangChainJsLimits, BinaryValuesAreReadExactlyButWrittenAsDecodedText) {
  const Bytes binary = pattern_value(7, 300);
  const std::vector<KeyValue> odd{
      {"binary", binary},
      {"bad-bytes", "a\xff\xfe" "b\x80"},
      {"cut-short", "ok\xe2\x9c"},  // the first two bytes of "✓"
      {"bom", "\xef\xbb\xbftext"},
  };
  auto store = open_redis("namespace: js-limits");
  store->mset(std::span<const KeyValue>(odd));
  EXPECT_THAT(js_read("js-limits", {"binary", "bad-bytes", "cut-short", "bom"}),
              ElementsAre("binary\t" + hex(binary), "bad-bytes\t" + hex("a\xff\xfe" "b\x80"),
                          "cut-short\t" + hex("ok\xe2\x9c"), "bom\t" + hex("\xef\xbb\xbftext")));

  // The same bytes written back by RedisByteStore.
  js_write("js-limits", "-", odd);
  const auto values = store->mget({"binary", "bad-bytes", "cut-short", "bom"});
  ASSERT_TRUE(values[0]);
  EXPECT_NE(*values[0], binary);
  EXPECT_NE(values[0]->find("\xef\xbf\xbd"), std::string::npos);
  EXPECT_EQ(hex(values[1].value_or("-")), hex("a\xef\xbf\xbd\xef\xbf\xbd" "b\xef\xbf\xbd"));
  EXPECT_EQ(hex(values[2].value_or("-")), hex("ok\xef\xbf\xbd"));  // one U+FFFD for the cut sequence
  EXPECT_EQ(hex(values[3].value_or("-")), hex("text"));
}

// Redis refuses EX with a fraction ("value is not an integer"), and
// RedisByteStore ignores its pipeline's replies: the run succeeds and
// nothing is stored. A ttl shared with it must be whole seconds.
TEST(LangChainJsLimits, AFractionalTtlLosesTheWriteWithoutAnError) {
  js_write("js-ttl", "1.5", {{"k", "v"}});
  EXPECT_EQ(server->cli({"EXISTS", "js-ttl/k"}).out, "0\n");
  js_write("js-ttl", "2", {{"k", "v"}});
  EXPECT_EQ(open_redis("namespace: js-ttl")->mget({"k"})[0], Bytes("v"));
}

}  // namespace
}  // namespace bytestore::redis

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  if (const std::string why = bytestore::redis::prepare_langchain_js(); !why.empty()) {
    std::cout << "SKIP: " << why << "\n";
    return 77;
  }
  ::testing::AddGlobalTestEnvironment(new bytestore::redis::Server);
  return RUN_ALL_TESTS();
}
