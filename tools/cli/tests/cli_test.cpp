// Drives the built `bytestore` binary as a user would, through a shell-like
// subprocess: every command, every exit code, binary values byte for byte.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "cli_fixture.h"

namespace bytestore {
namespace {

using ::testing::HasSubstr;

TEST_F(Cli, SetGetDelRoundTrip) {
  EXPECT_EQ(cli({"set", "greeting", "hello"}).exit_code, 0);
  Finished got = cli({"get", "greeting"});
  EXPECT_EQ(got.exit_code, 0);
  EXPECT_EQ(got.out, "hello");  // nothing added
  EXPECT_EQ(cli({"del", "greeting", "never-there"}).exit_code, 0);
  got = cli({"get", "greeting"});
  EXPECT_EQ(got.exit_code, 1);
  EXPECT_EQ(got.out, "");
  EXPECT_EQ(got.err, "not found: greeting\n");
}

TEST_F(Cli, BinaryValuesThroughStdinAndStdoutByteForByte) {
  std::string all;
  for (int round = 0; round < 3; ++round)
    for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  all += std::string("\0\0\xff\xff\n", 5);
  EXPECT_EQ(cli({"set", "bin"}, all).exit_code, 0);
  EXPECT_EQ(cli({"get", "bin"}).out, all);
  EXPECT_EQ(cli({"set", "bin2", "-"}, all).exit_code, 0);
  EXPECT_EQ(cli({"get", "bin2"}).out, all);
  const fs::path file = dir_ / "value.bin";
  std::ofstream(file, std::ios::binary) << all;
  EXPECT_EQ(cli({"set", "bin3", "--file", file.string()}).exit_code, 0);
  EXPECT_EQ(cli({"get", "bin3"}).out, all);
  EXPECT_EQ(cli({"set", "empty", ""}).exit_code, 0);
  Finished empty = cli({"get", "empty"});
  EXPECT_EQ(empty.exit_code, 0);
  EXPECT_EQ(empty.out, "");
}

TEST_F(Cli, GetJsonLines) {
  cli({"set", "a"}, std::string("\x00\xff", 2));  // argv cannot carry a NUL; stdin can
  const Finished got = cli({"get", "--json", "a", "missing"});
  EXPECT_EQ(got.exit_code, 1);  // a key is missing; every key is still listed
  EXPECT_EQ(got.out, "{\"key\":\"a\",\"value\":\"AP8=\"}\n{\"key\":\"missing\",\"value\":null}\n");
}

TEST_F(Cli, KeysWithPrefixAndCount) {
  for (const char* k : {"user:1", "user:2", "job:1"}) cli({"set", k, "x"});
  EXPECT_EQ(cli({"keys"}).out, "job:1\nuser:1\nuser:2\n");
  EXPECT_EQ(cli({"keys", "--prefix", "user:"}).out, "user:1\nuser:2\n");
  EXPECT_EQ(cli({"keys", "--prefix=job", "--count"}).out, "1\n");
}

TEST_F(Cli, KeysThatLookLikeOptionsAfterDoubleDash) {
  EXPECT_EQ(cli({"set", "--", "-k", "v"}).exit_code, 0);
  EXPECT_EQ(cli({"get", "--", "-k"}).out, "v");
}

TEST_F(Cli, StoreSelection) {
  EXPECT_EQ(cli({"-s", "other", "set", "k", "lmdb-value"}).exit_code, 0);
  EXPECT_EQ(cli({"--store", "other", "get", "k"}).out, "lmdb-value");
  EXPECT_EQ(cli({"get", "k"}).exit_code, 3);  // the default store holds no data yet
  EXPECT_EQ(cli({"set", "j", "v"}).exit_code, 0);
  EXPECT_EQ(cli({"get", "k"}).exit_code, 1);  // not in the default store
}

TEST_F(Cli, ExitCodes) {
  EXPECT_EQ(cli({}).exit_code, 2);
  EXPECT_EQ(cli({"--help"}).exit_code, 0);
  EXPECT_EQ(cli({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(cli({"get"}).exit_code, 2);
  EXPECT_EQ(cli({"get", "a", "b"}).exit_code, 2);
  EXPECT_EQ(cli({"keys", "--bogus"}).exit_code, 2);
  EXPECT_EQ(cli({"-s", "nosuch", "get", "k"}).exit_code, 2);
  // A store error: a key over the store's limit.
  const Finished limit = cli({"-s", "cloud", "set", "much-too-long-key", "v"});
  EXPECT_EQ(limit.exit_code, 3);
  EXPECT_THAT(limit.err, HasSubstr("exceeds the 10-byte limit"));
  for (const char* c : {"set", "get", "del", "keys", "cp", "backends", "config", "info", "completion"}) {
    const Finished help = cli({c, "--help"});
    EXPECT_EQ(help.exit_code, 0) << c;
    EXPECT_THAT(help.out, HasSubstr("usage: bytestore")) << c;
  }
}

TEST_F(Cli, ConfigErrorsAreOneLineWithFileLineColumn) {
  std::ofstream(config_) << "stores:\n  main:\n    backend: sqlite\n    pth: x.db\n";
  const Finished bad = cli({"get", "k"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "bytestore: " + config_ + ":4:5: store 'main': unknown option 'pth' for backend "
                     "'sqlite' (did you mean 'path'?)\n");
  const Finished check = cli({"config", "check"});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_EQ(check.err, bad.err);
}

TEST_F(Cli, ConfigShowRedactsSecretsAndCheckPasses) {
  std::ofstream(config_, std::ios::app) << "  secret: {backend: memory, page_size: 7}\n";
  ASSERT_EQ(cli({"set", "k", "v"}).exit_code, 0);  // stores with data: nothing to report
  ASSERT_EQ(cli({"-s", "other", "set", "k", "v"}).exit_code, 0);
  const Finished check = cli({"config", "check"});
  EXPECT_EQ(check.exit_code, 0) << check.err;
  EXPECT_THAT(check.out, HasSubstr(": ok, 4 store(s)"));
  const Finished show = cli({"config", "show"});
  EXPECT_EQ(show.exit_code, 0);
  EXPECT_THAT(show.out, HasSubstr("page_size: 7"));
  EXPECT_THAT(show.out, HasSubstr("backend: sqlite"));
}

TEST_F(Cli, ConfigCheckAppliesEachBackendsRulesAndTouchesNothing) {
  const fs::path sqlite_file = dir_ / "not-yet" / "s.db";
  const fs::path lmdb_dir = dir_ / "not-yet-either";
  std::ofstream(config_) << "stores:\n"
                            "  s: {backend: sqlite, path: '" << sqlite_file.string() << "'}\n"
                            "  l: {backend: lmdb, path: '" << lmdb_dir.string() << "'}\n"
                            "  m: {backend: memory, page_size: 1}\n";
  // Valid; the stores that hold no data yet are named (exit 3), not made.
  const Finished ok = cli({"config", "check"});
  EXPECT_EQ(ok.exit_code, 3) << ok.err;
  EXPECT_THAT(ok.out, HasSubstr(": ok, 3 store(s)"));
  EXPECT_THAT(ok.err, HasSubstr("store 's' (sqlite): no data at " + sqlite_file.string()));
  EXPECT_THAT(ok.err, HasSubstr("store 'l' (lmdb): no data at " + lmdb_dir.string()));
  EXPECT_FALSE(fs::exists(sqlite_file.parent_path()));
  EXPECT_FALSE(fs::exists(lmdb_dir));
  // A value only the backend knows is wrong: caught by check, located.
  std::ofstream(config_, std::ios::app) << "  bad: {backend: sqlite, path: x.db, connections: 0}\n";
  const Finished bad = cli({"config", "check"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "bytestore: " + config_ + ":5:3: store 'bad' (sqlite): option 'connections' must be "
                     "between 1 and 64\n");
  EXPECT_FALSE(fs::exists(dir_ / "x.db"));
}

TEST_F(Cli, ConfigStoresListsNamesInFileOrder) {
  const Finished stores = cli({"config", "stores"});
  EXPECT_EQ(stores.exit_code, 0) << stores.err;
  EXPECT_EQ(stores.out, "main\nother\ncloud\n");
}

// What bash offers for the command line `words`, the last word being the
// one under the cursor: the script from `completion bash`, run by bash.
std::string completions(const fs::path& dir, std::vector<std::string> words,
                        const std::string& config) {
  const Finished script = run_program({kCli, "completion", "bash"});
  EXPECT_EQ(script.exit_code, 0) << script.err;
  const fs::path file = dir / "completion.bash";
  std::ofstream(file) << script.out;
  words.insert(words.begin(), kCli);
  std::string array;
  for (const std::string& w : words) array += " '" + w + "'";
  const Finished run = run_program(
      {"/bin/bash", "-c", "source '" + file.string() + "'; COMP_WORDS=(" + array + "); COMP_CWORD=" +
                         std::to_string(words.size() - 1) + "; _bytestore; printf '%s\\n' \"${COMPREPLY[@]}\""},
      {}, {{"BYTESTORE_CONFIG", config}, {"HOME", dir.string()}});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out;
}

TEST_F(Cli, BashCompletionOffersCommandsFlagsAndStores) {
  EXPECT_EQ(completions(dir_, {"ke"}, config_), "keys\n");
  EXPECT_EQ(completions(dir_, {"co"}, config_), "compact\ncompletion\nconfig\n");
  EXPECT_EQ(completions(dir_, {"keys", "--"}, config_), "--count\n--prefix\n--help\n");
  EXPECT_EQ(completions(dir_, {"config", "s"}, config_), "show\nstores\n");
  EXPECT_EQ(completions(dir_, {"-s", ""}, config_), "main\nother\ncloud\n");
  EXPECT_EQ(completions(dir_, {"cp", "--to", "o"}, config_), "other\n");
  // -c on the line wins over $BYTESTORE_CONFIG.
  const fs::path elsewhere = dir_ / "elsewhere.yaml";
  std::ofstream(elsewhere) << "stores:\n  far: {backend: memory}\n";
  EXPECT_EQ(completions(dir_, {"-c", elsewhere.string(), "-s", ""}, config_), "far\n");
}

TEST_F(Cli, BackendsListsPluginsAndTheirOptions) {
  const Finished out = cli({"backends"});
  EXPECT_EQ(out.exit_code, 0);
  for (const char* text : {"memory ", "sqlite ", "lmdb ", "page_size: unsigned integer",
                           "path: string, required", "bytestore-sqlite.so",
                           "  layer: use under a store's layers: as { layer: prefix }\n",
                           "    prefix: string, required", "    max_retries: unsigned integer, default 3"})
    EXPECT_THAT(out.out, HasSubstr(text));
}

TEST_F(Cli, InfoNamesConfigStoreAndBackend) {
  ASSERT_EQ(cli({"set", "k", "v"}).exit_code, 0);
  const Finished out = cli({"info"});
  EXPECT_EQ(out.exit_code, 0) << out.err;
  EXPECT_THAT(out.out, HasSubstr("config:  " + config_ + " (from BYTESTORE_CONFIG)"));
  EXPECT_THAT(out.out, HasSubstr("store:   main"));
  EXPECT_THAT(out.out, HasSubstr("backend: sqlite"));
  EXPECT_THAT(out.out, HasSubstr("persistent"));
}

TEST_F(Cli, EmbeddedDefaultWorksWithNoConfigAtAll) {
  const std::map<std::string, std::string> bare = {{"BYTESTORE_CONFIG", ""}};
  auto run = [&](std::vector<std::string> args, const std::string& input = {}) {
    args.insert(args.begin(), kCli);
    std::map<std::string, std::string> env = bare;
    env["HOME"] = dir_.string();
    env["XDG_DATA_HOME"] = (dir_ / "xdg").string();
    return run_program(args, input, env);
  };
  EXPECT_EQ(run({"set", "greeting", "hello"}).exit_code, 0);
  EXPECT_EQ(run({"get", "greeting"}).out, "hello");
  EXPECT_TRUE(fs::exists(dir_ / "xdg" / "bytestore" / "default.db"));
  EXPECT_THAT(run({"info"}).out, HasSubstr("embedded default (SQLite at " + (dir_ / "xdg").string()));
}

TEST_F(Cli, CopyTenThousandKeysBetweenBackendsWithEveryValueVerified) {
  auto source = Config::load_file(config_).open("main");
  std::vector<KeyValue> pairs;
  for (int i = 0; i < 10'000; ++i) {
    std::string value(50 + i % 200, '\0');
    for (std::size_t b = 0; b < value.size(); ++b) value[b] = static_cast<char>((i * 31 + b) % 256);
    pairs.emplace_back("doc/" + std::to_string(i), value);
  }
  source->mset(pairs);
  source->mset({{"other/x", "not copied"}});
  source.reset();
  const Finished copied = cli({"cp", "--to", "other", "--prefix", "doc/", "--batch", "700"});
  EXPECT_EQ(copied.exit_code, 0) << copied.err;
  EXPECT_THAT(copied.err, HasSubstr("copied 10000 keys"));
  EXPECT_THAT(copied.err, HasSubstr("from 'main' to 'other'"));
  auto destination = Config::load_file(config_).open("other");
  std::vector<std::string> keys;
  for (const auto& kv : pairs) keys.push_back(kv.first);
  const auto values = destination->mget(keys);
  std::size_t same = 0;
  for (std::size_t i = 0; i < pairs.size(); ++i) same += values[i] == pairs[i].second;
  EXPECT_EQ(same, pairs.size());
  EXPECT_EQ(destination->mget({"other/x"})[0], std::nullopt);
  EXPECT_EQ(cli({"cp", "--to", "main"}).exit_code, 2);  // same store
  EXPECT_EQ(cli({"cp", "--to", "other", "--batch", "0"}).exit_code, 2);
}

TEST_F(Cli, KeysOfAMillionKeyStoreInBoundedMemory) {
  {
    auto store = Config::load_file(config_).open("main");
    std::vector<KeyValue> batch;
    for (int i = 0; i < 1'000'000; ++i) {
      batch.emplace_back("k" + std::to_string(10'000'000 + i), "");
      if (batch.size() == 50'000) {
        store->mset(batch);
        batch.clear();
      }
    }
  }
  // Under ASan freed memory sits in quarantine; keep it small so peak
  // memory measures what is live (ignored in other builds).
  const std::map<std::string, std::string> env = {
      {"ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1:quarantine_size_mb=1"}};
  const Finished none = cli({"keys", "--prefix", "nothing-matches"}, {}, env);
  EXPECT_EQ(none.out, "");
  const Finished count = cli({"keys", "--count"}, {}, env);
  EXPECT_EQ(count.out, "1000000\n");
  const Finished all = cli({"keys"}, {}, env);
  EXPECT_EQ(all.exit_code, 0);
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 1'000'000);
  // 1,000,000 keys of 9 bytes are ~40 MB as std::strings; a streaming
  // listing stays far below that above the base of a listing of nothing.
  EXPECT_LT(all.max_rss_kib - none.max_rss_kib, 24 * 1024)
      << "peak RSS " << all.max_rss_kib << " KiB against " << none.max_rss_kib << " KiB";
  EXPECT_LT(count.max_rss_kib - none.max_rss_kib, 24 * 1024)
      << "peak RSS " << count.max_rss_kib << " KiB against " << none.max_rss_kib << " KiB";
}

}  // namespace
}  // namespace bytestore
