// The store as a user finds it from the shell: where its data is, reading
// commands that never create it, relative paths that follow the config
// file, a check that names every bad store, and compaction.
#include <bytestore/version.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_fixture.h"

namespace bytestore {
namespace {

using ::testing::HasSubstr;

std::uintmax_t bytes_of(const fs::path& path) {
  std::uintmax_t total = 0;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    for (const auto& entry : fs::directory_iterator(path)) total += fs::file_size(entry.path(), ec);
    return total;
  }
  for (const std::string& f : {path.string(), path.string() + "-wal"})
    if (fs::exists(f, ec)) total += fs::file_size(f, ec);
  return total;
}

TEST_F(Cli, InfoPrintsTheVersionAndWhereTheDataIs) {
  ASSERT_EQ(cli({"set", "k", "v"}).exit_code, 0);
  const Finished info = cli({"info"});
  EXPECT_EQ(info.exit_code, 0) << info.err;
  EXPECT_THAT(info.out, HasSubstr("version: bytestore " BYTESTORE_VERSION "\n"));
  EXPECT_THAT(info.out, HasSubstr("data:    " + (dir_ / "main.db").string() + "\n"));
  EXPECT_THAT(info.out, HasSubstr("capabilities: "));
  EXPECT_THAT(cli({"-s", "cloud", "info"}).out, HasSubstr("data:    memory of this process"));
}

TEST_F(Cli, CommandsThatOnlyReadNeverCreateAStore) {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"get", "k"}, {"get", "--json", "k"}, {"keys"}, {"info"}, {"compact"},
        {"-s", "other", "keys"}}) {
    const Finished run = cli(args);
    EXPECT_EQ(run.exit_code, 3) << args.back() << ": " << run.err;
    const bool lmdb = args.front() == "-s";
    EXPECT_THAT(run.err, HasSubstr(lmdb ? "store 'other' (lmdb): no data at " + (dir_ / "lmdb").string()
                                        : "store 'main' (sqlite): no data at " + (dir_ / "main.db").string()))
        << args.back();
  }
  EXPECT_FALSE(fs::exists(dir_ / "main.db"));
  EXPECT_FALSE(fs::exists(dir_ / "lmdb"));
  // The config itself is valid; check says which stores hold no data yet.
  const Finished check = cli({"config", "check"});
  EXPECT_EQ(check.exit_code, 3);
  EXPECT_THAT(check.out, HasSubstr(": ok, 3 store(s)"));
  EXPECT_THAT(check.err, HasSubstr("store 'main' (sqlite): no data at " + (dir_ / "main.db").string()));
  EXPECT_THAT(check.err, HasSubstr("store 'other' (lmdb): no data at " + (dir_ / "lmdb").string()));
  // A write creates it; then reading works.
  ASSERT_EQ(cli({"set", "k", "v"}).exit_code, 0);
  EXPECT_EQ(cli({"get", "k"}).out, "v");
}

TEST_F(Cli, RelativePathsFollowTheConfigFileNotTheWorkingDirectory) {
  fs::create_directories(dir_ / "app");
  fs::create_directories(dir_ / "elsewhere");
  std::ofstream(dir_ / "app" / "bytestore.yaml") << "stores:\n  s: { backend: sqlite, path: data/app.db }\n";
  auto in = [&](const fs::path& cwd, const std::string& command) {
    return run_program({"/bin/sh", "-c", "cd '" + cwd.string() + "' && exec '" + kCli + "' " + command},
                       {}, {{"BYTESTORE_CONFIG", ""}, {"HOME", dir_.string()}});
  };
  ASSERT_EQ(in(dir_ / "app", "-c bytestore.yaml set k v").exit_code, 0);
  const Finished listed = in(dir_ / "elsewhere", "-c ../app/bytestore.yaml keys");
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out, "k\n");
  EXPECT_FALSE(fs::exists(dir_ / "elsewhere" / "data"));
  EXPECT_THAT(in(dir_ / "elsewhere", "-c ../app/bytestore.yaml info").out,
              HasSubstr("data:    " + (dir_ / "app" / "data" / "app.db").string()));
}

TEST_F(Cli, ConfigCheckNamesEveryBadStore) {
  std::ofstream(config_, std::ios::app) << "  bad1: {backend: sqlite, path: x.db, connections: 0}\n"
                                           "  fine: {backend: memory}\n"
                                           "  bad2: {backend: lmdb, path: y, max_readers: 0}\n";
  const Finished check = cli({"config", "check"});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_EQ(check.err, "bytestore: " + config_ + ":6:3: store 'bad1' (sqlite): option 'connections' must be "
                       "between 1 and 64\n"
                       "bytestore: " + config_ + ":8:3: store 'bad2' (lmdb): max_readers must be at least 1\n");
}

TEST_F(Cli, CompactGivesBackTheSpaceOfDeletedData) {
  const std::string value(200'000, 'x');
  std::ofstream(dir_ / "value.bin", std::ios::binary) << value;
  for (const std::string store : {"main", "other"}) {
    for (int i = 0; i < 20; ++i)
      ASSERT_EQ(cli({"-s", store, "set", "k" + std::to_string(i), "--file", (dir_ / "value.bin").string()}).exit_code, 0);
    std::vector<std::string> del = {"-s", store, "del"};
    for (int i = 1; i < 20; ++i) del.push_back("k" + std::to_string(i));
    ASSERT_EQ(cli(del).exit_code, 0);
    const fs::path data = store == "main" ? dir_ / "main.db" : dir_ / "lmdb";
    const auto before = bytes_of(data);
    const Finished compact = cli({"-s", store, "compact"});
    EXPECT_EQ(compact.exit_code, 0) << compact.err;
    EXPECT_THAT(compact.out, HasSubstr("store '" + store + "' (" + (store == "main" ? "sqlite" : "lmdb") +
                                       "): compacted"));
    const auto after = bytes_of(data);
    EXPECT_LT(after * 3, before) << store << ": " << before << " -> " << after << " bytes";
    EXPECT_EQ(cli({"-s", store, "get", "k0"}).out, value);
    EXPECT_EQ(cli({"-s", store, "keys"}).out, "k0\n");
  }
  const Finished memory = cli({"-s", "cloud", "compact"});
  EXPECT_EQ(memory.exit_code, 0);
  EXPECT_THAT(memory.out, HasSubstr("nothing to compact"));
}

}  // namespace
}  // namespace bytestore
