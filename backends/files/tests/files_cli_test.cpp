// The files backend through the `bytestore` command, as a user runs it:
// copying between files and SQLite both ways, and listing 100,000 keys in
// bounded memory.
#include <gmock/gmock.h>

#include <fstream>

#include "files_scratch.h"
#include "subprocess.h"

namespace bytestore::files::testing {
namespace {

using bytestore::testing::Finished;
using bytestore::testing::run_program;

class FilesCli : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = dir_.file("stores.yaml");
    std::ofstream(config_) << "default: files\nstores:\n"
                              "  files: {backend: files, root: ./files, sync: none}\n"
                              "  db: {backend: sqlite, path: ./db.sqlite}\n"
                              "  back: {backend: sqlite, path: ./back.sqlite}\n";
  }
  Finished cli(std::vector<std::string> args) {
    args.insert(args.begin(), BYTESTORE_CLI_PATH);
    // Freed memory in ASan's quarantine would count as live; keep it small.
    return run_program(args, {},
                       {{"BYTESTORE_CONFIG", config_}, {"HOME", dir_.path().string()},
                        {"ASAN_OPTIONS", "detect_leaks=1:abort_on_error=1:quarantine_size_mb=1"}});
  }
  std::unique_ptr<ByteStore> open(const std::string& name) { return Config::load_file(config_).open(name); }

  ScratchDir dir_;
  std::string config_;
};

TEST_F(FilesCli, CopyBetweenFilesAndSqliteBothWays) {
  std::vector<KeyValue> pairs;
  for (int i = 0; i < 2000; ++i)
    pairs.emplace_back((i % 2 ? "doc/" : "naïve key/") + std::to_string(i), pattern_value(i, i % 300));
  pairs.emplace_back("a", "also a directory");
  pairs.emplace_back("a/b", "under it");
  open("db")->mset(pairs);
  const Finished there = cli({"-s", "db", "cp", "--to", "files"});
  ASSERT_EQ(there.exit_code, 0) << there.err;
  EXPECT_THAT(there.err, ::testing::HasSubstr("copied 2002 keys"));
  const Finished back = cli({"-s", "files", "cp", "--to", "back"});
  ASSERT_EQ(back.exit_code, 0) << back.err;
  for (const char* name : {"files", "back"}) {
    auto store = open(name);
    std::vector<std::string> keys;
    for (const auto& kv : pairs) keys.push_back(kv.first);
    const auto values = store->mget(keys);
    std::size_t same = 0;
    for (std::size_t i = 0; i < pairs.size(); ++i) same += values[i] == pairs[i].second;
    EXPECT_EQ(same, pairs.size()) << name;
    EXPECT_EQ(sorted_keys(*store).size(), pairs.size()) << name;
  }
  // On disk, in LangChain's layout where the key allows it.
  EXPECT_TRUE(fs::is_regular_file(dir_.path() / "files" / "doc" / "1"));
}

TEST_F(FilesCli, ListingOneHundredThousandKeysInBoundedMemory) {
  {
    auto store = open("files");
    std::vector<KeyValue> batch;
    for (int i = 0; i < 100'000; ++i) {
      // 100-byte keys in 100 directories: buffered, the listing would hold
      // over 13 MB of them.
      batch.emplace_back("dir" + std::to_string(i % 100) + "/" + std::string(80, 'k') + std::to_string(1'000'000 + i), "");
      if (batch.size() == 10'000) {
        store->mset(batch);
        batch.clear();
      }
    }
  }
  const Finished none = cli({"keys", "--prefix", "nothing-matches"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  const Finished all = cli({"keys"});
  EXPECT_EQ(all.exit_code, 0) << all.err;
  EXPECT_EQ(std::count(all.out.begin(), all.out.end(), '\n'), 100'000);
  EXPECT_LT(all.max_rss_kib - none.max_rss_kib, 4 * 1024)
      << "peak RSS " << all.max_rss_kib << " KiB against " << none.max_rss_kib << " KiB";
  const Finished one_dir = cli({"keys", "--count", "--prefix", "dir7/"});
  EXPECT_EQ(one_dir.out, "1000\n");
}

}  // namespace
}  // namespace bytestore::files::testing
