// LMDB failures reach the user as the bytestore::Errc that fits, naming the
// environment; and the options that change what may be written.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "scratch.h"

namespace bytestore::lmdb::testing {
namespace {

namespace fs = std::filesystem;

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
}

TEST(Errors, GarbageDataFileIsCorruptionNamingThePath) {
  ScratchDir dir;
  fs::create_directories(dir.file("env"));
  write_file(dir.file("env/data.mdb"), pattern_value(7, 64 * 1024));
  const std::string message = EXPECT_ERRC(open_lmdb(dir.file("env")), Errc::corruption);
  EXPECT_NE(message.find(dir.file("env")), std::string::npos) << message;
  EXPECT_NE(message.find("MDB_INVALID"), std::string::npos) << message;
}

TEST(Errors, GarbageSingleFileIsCorruption) {
  ScratchDir dir;
  write_file(dir.file("store.mdb"), std::string(16 * 1024, '\xab'));
  EXPECT_ERRC(open_lmdb(dir.file("store.mdb"), "subdir: false"), Errc::corruption);
}

TEST(Errors, UnwritableDirectoryIsIo) {
  if (geteuid() == 0) GTEST_SKIP() << "running as root: directory permissions are not enforced";
  ScratchDir dir;
  fs::create_directories(dir.file("env"));
  fs::permissions(dir.file("env"), fs::perms::owner_read | fs::perms::owner_exec);
  EXPECT_ERRC(open_lmdb(dir.file("env")), Errc::io);
  fs::permissions(dir.file("env"), fs::perms::owner_all);
}

TEST(Errors, PathUnderAFileIsIo) {
  ScratchDir dir;
  write_file(dir.file("plain"), "not a directory");
  EXPECT_ERRC(open_lmdb(dir.file("plain/env")), Errc::io);
  EXPECT_ERRC(open_lmdb(dir.file("plain/store.mdb"), "subdir: false"), Errc::io);
}

TEST(Errors, FileWhereADirectoryIsExpectedIsConfig) {
  ScratchDir dir;
  write_file(dir.file("plain"), "x");
  const std::string message = EXPECT_ERRC(open_lmdb(dir.file("plain")), Errc::config);
  EXPECT_NE(message.find("subdir: false"), std::string::npos) << message;
}

TEST(Errors, BadOptionValuesAreConfig) {
  ScratchDir dir;
  EXPECT_ERRC(open_lmdb(dir.file("env"), "sync: sometimes"), Errc::config);
  EXPECT_ERRC(open_lmdb(dir.file("env"), "page_size: 0"), Errc::config);
  EXPECT_ERRC(open_lmdb(dir.file("env"), "max_readers: 0"), Errc::config);
  EXPECT_ERRC(open_yaml("stores: {s: {backend: lmdb}}\n"), Errc::config);  // no path
}

TEST(ReadOnly, RefusesWritesAndKeepsServingReads) {
  ScratchDir dir;
  open_lmdb(dir.file("env"))->mset({{"k", "v"}});
  auto store = open_lmdb(dir.file("env"), "read_only: true");
  EXPECT_EQ(store->mget({"k"})[0], "v");
  // The same code as every backend: the caller's mistake.
  const std::string message = EXPECT_ERRC(store->mset({{"k", "w"}}), Errc::invalid_argument);
  EXPECT_NE(message.find("read_only"), std::string::npos) << message;
  EXPECT_ERRC(store->mdelete({"k"}), Errc::invalid_argument);
  EXPECT_ERRC(store->compact(), Errc::invalid_argument);
  EXPECT_EQ(store->mget({"k"})[0], "v");
  std::vector<std::string> keys;
  for (const std::string& k : store->yield_keys()) keys.push_back(k);
  EXPECT_EQ(keys, std::vector<std::string>{"k"});
}

TEST(ReadOnly, MissingEnvironmentIsIoAndNothingIsCreated) {
  ScratchDir dir;
  EXPECT_ERRC(open_lmdb(dir.file("absent"), "read_only: true"), Errc::io);
  EXPECT_FALSE(fs::exists(dir.file("absent")));
}

// One environment has one set of settings: a second store asking for
// others would silently get the first's, so it is refused, saying which.
TEST(Environment, OtherSettingsOnAnOpenEnvironmentAreConfigSayingWhich) {
  ScratchDir dir;
  auto writable = open_lmdb(dir.file("env"));
  for (const auto& [option, shown] : std::vector<std::pair<std::string, std::string>>{
           {"read_only: true", "read_only: false open, true asked"},
           {"sync: nosync", "sync: full open, nosync asked"},
           {"map_size: 64MiB", "map_size: "},
           {"max_readers: 7", "max_readers: 126 open, 7 asked"}}) {
    const std::string message = EXPECT_ERRC(open_lmdb(dir.file("env"), option), Errc::config);
    EXPECT_NE(message.find(shown), std::string::npos) << message;
    EXPECT_NE(message.find("another store"), std::string::npos) << message;
  }
  auto same = open_lmdb(dir.file("env"));  // the same settings share it
  writable->mset({{"k", "1"}});
  EXPECT_EQ(same->mget({"k"})[0], "1");
}

TEST(Environment, TheRefusalNamesBothStores) {
  ScratchDir dir;
  const Config config = Config::parse("stores:\n  fast: { backend: lmdb, path: '" + dir.file("env") +
                                      "', sync: nosync }\n  safe: { backend: lmdb, path: '" +
                                      dir.file("env") + "' }\n");
  auto fast = config.open("fast");
  const std::string message = EXPECT_ERRC(config.open("safe"), Errc::config);
  EXPECT_NE(message.find("store 'safe' (lmdb): environment "), std::string::npos) << message;
  EXPECT_NE(message.find("sync: nosync open, full asked"), std::string::npos) << message;
  EXPECT_NE(message.find("; store 'fast' (lmdb) has it open"), std::string::npos) << message;
  fast.reset();
  EXPECT_NO_THROW(config.open("safe"));  // closed: the other settings are free to take
}

TEST(ReadOnly, ReadOnlyFirstThenWritableIsConfig) {
  ScratchDir dir;
  open_lmdb(dir.file("env"))->mset({{"k", "1"}});
  auto reader = open_lmdb(dir.file("env"), "read_only: true");
  EXPECT_ERRC(open_lmdb(dir.file("env")), Errc::config);
}

TEST(Environment, SamePathTwiceInOneProcessSharesOneEnvironment) {
  ScratchDir dir;
  auto first = open_lmdb(dir.file("env"));
  auto second = open_lmdb(dir.path().string() + "/./env");
  first->mset({{"a", "1"}});
  second->mset({{"b", "2"}});
  first.reset();  // must not drop the file locks `second` relies on
  EXPECT_EQ(second->mget({"a", "b"}), (std::vector<std::optional<Bytes>>{"1", "2"}));
  auto third = open_lmdb(dir.file("env"));
  EXPECT_EQ(third->mget({"a"})[0], "1");
}

TEST(Environment, SubdirFalseMakesOneDataFileAndItsLock) {
  ScratchDir dir;
  {
    auto store = open_lmdb(dir.file("nested/store.mdb"), "subdir: false, sync: nometasync");
    store->mset({{"k", "v"}});
  }
  EXPECT_TRUE(fs::is_regular_file(dir.file("nested/store.mdb")));
  EXPECT_TRUE(fs::is_regular_file(dir.file("nested/store.mdb-lock")));
  EXPECT_EQ(open_lmdb(dir.file("nested/store.mdb"), "subdir: false")->mget({"k"})[0], "v");
}

TEST(Environment, EverySyncModeKeepsDataAcrossReopen) {
  for (const std::string mode : {"full", "nometasync", "nosync"}) {
    ScratchDir dir;
    open_lmdb(dir.file("env"), "sync: " + mode)->mset({{"k", mode}});
    EXPECT_EQ(open_lmdb(dir.file("env"))->mget({"k"})[0], mode) << mode;
  }
}

TEST(Listing, PagesResumeAfterTheLastKeyUnderWrites) {
  ScratchDir dir;
  auto store = open_lmdb(dir.file("env"), "page_size: 2");
  store->mset({{"p/a", ""}, {"p/b", ""}, {"p/c", ""}, {"p/d", ""}, {"q", ""}});
  std::vector<std::string> seen;
  KeyRange range = store->yield_keys("p/");
  for (const std::string& k : range) {
    seen.push_back(k);
    // Between pages: delete the key just sent, add one behind and one ahead.
    if (k == "p/b") store->mset({{"p/0", ""}, {"p/bb", ""}}), store->mdelete({"p/b"});
  }
  EXPECT_EQ(seen, (std::vector<std::string>{"p/a", "p/b", "p/bb", "p/c", "p/d"}));
}

}  // namespace
}  // namespace bytestore::lmdb::testing
