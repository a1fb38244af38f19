// The metrics layer: what it counts, the exposition format, the file it
// keeps for a textfile collector, and bytestore::metrics_text().
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "scratch_dir.h"

namespace bytestore {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDir;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Every line is a comment (# HELP / # TYPE) or `name{labels} number`.
void expect_exposition_format(const std::string& text) {
  static const std::regex sample(R"(^[a-z_]+\{(?:[a-z_]+="(?:[^"\\]|\\.)*",?)*\} [0-9][0-9.e+-]*$)");
  static const std::regex comment(R"(^# (HELP|TYPE) [a-z_]+ .+$)");
  std::istringstream lines(text);
  std::size_t count = 0;
  for (std::string line; std::getline(lines, line); ++count)
    EXPECT_TRUE(std::regex_match(line, sample) || std::regex_match(line, comment)) << line;
  EXPECT_GT(count, 0u);
}

TEST(MetricsLayer, CountsCallsKeysBytesErrorsAndLatencyPerStoreAndOperation) {
  ScratchDir dir;
  const std::string db = dir.file("m.db");
  const Config config = Config::parse("stores:\n"
                                      "  app:\n    backend: sqlite\n    path: '" + db + "'\n"
                                      "    layers: [ { layer: metrics } ]\n"
                                      "  ro:\n    backend: sqlite\n    path: '" + db + "'\n    read_only: true\n"
                                      "    layers: [ { layer: metrics } ]\n");
  auto app = config.open("app");
  std::vector<KeyValue> pairs;
  for (int i = 0; i < 10; ++i) pairs.emplace_back("k" + std::to_string(i), std::string(100, 'v'));
  app->mset(pairs);
  app->mget({"k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "x", "y"});
  app->mdelete({"k0", "k1", "k2"});
  std::size_t listed = 0;
  for (const std::string& key : app->yield_keys()) listed += !key.empty();
  EXPECT_EQ(listed, 7u);
  auto ro = config.open("ro");
  EXPECT_THROW(ro->mset({{"k", "v"}}), Error);

  const std::string text = metrics_text();
  expect_exposition_format(text);
  for (const char* line :
       {"bytestore_calls_total{store=\"app\",op=\"mset\"} 1\n", "bytestore_keys_total{store=\"app\",op=\"mset\"} 10\n",
        "bytestore_value_bytes_written_total{store=\"app\",op=\"mset\"} 1000\n",
        "bytestore_keys_total{store=\"app\",op=\"mget\"} 12\n",
        "bytestore_value_bytes_read_total{store=\"app\",op=\"mget\"} 1000\n",
        "bytestore_keys_total{store=\"app\",op=\"mdelete\"} 3\n",
        "bytestore_calls_total{store=\"app\",op=\"yield_keys\"} 1\n",
        "bytestore_keys_total{store=\"app\",op=\"yield_keys\"} 7\n",
        "bytestore_errors_total{store=\"ro\",op=\"mset\",code=\"invalid_argument\"} 1\n",
        "bytestore_call_duration_seconds_bucket{store=\"app\",op=\"mset\",le=\"+Inf\"} 1\n",
        "bytestore_call_duration_seconds_count{store=\"app\",op=\"mget\"} 1\n",
        "# TYPE bytestore_call_duration_seconds histogram\n"})
    EXPECT_THAT(text, HasSubstr(line));
  EXPECT_THAT(text, ::testing::Not(HasSubstr("bytestore_errors_total{store=\"app\"")));
}

TEST(MetricsLayer, KeepsAFileForATextfileCollectorWrittenWholeAndAtClose) {
  ScratchDir dir;
  const std::string file = dir.file("prom/store.prom");
  {
    auto store = open_yaml("stores:\n  filed:\n    backend: sqlite\n    path: '" + dir.file("f.db") +
                               "'\n    layers: [ { layer: metrics, file: '" + file + "', interval: 100ms } ]\n",
                           "filed");
    EXPECT_TRUE(std::filesystem::exists(file));  // from the start
    store->mset({{"a", "1"}});
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_THAT(read_file(file), HasSubstr("bytestore_calls_total{store=\"filed\",op=\"mset\"} 1\n"));
    store->mset({{"b", "2"}});
  }
  const std::string last = read_file(file);  // written at close
  expect_exposition_format(last);
  EXPECT_THAT(last, HasSubstr("bytestore_calls_total{store=\"filed\",op=\"mset\"} 2\n"));
  EXPECT_THAT(last, ::testing::Not(HasSubstr("store=\"app\"")));  // only its own store
  EXPECT_FALSE(std::filesystem::exists(file + ".tmp"));
}

TEST(MetricsLayer, OptionsAreChecked) {
  try {
    open_yaml("stores:\n  s:\n    backend: memory\n    layers: [ { layer: metrics, interval: 10ms } ]\n", "s");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    EXPECT_THAT(e.what(), HasSubstr("interval must be at least 100ms"));
  }
}

}  // namespace
}  // namespace bytestore
