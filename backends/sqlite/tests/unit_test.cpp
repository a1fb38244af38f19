// Behaviour special to the sqlite backend: options, schema, error mapping,
// locking, and the key bounds of prefix scans.
#include "connection.h"
#include "sqlite_scratch.h"
#include "sqlite_options.h"

#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <fcntl.h>
#include <linux/fs.h>
#include <sqlite3.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <random>
#include <thread>

namespace bytestore::sqlite {
namespace {

using testing::ScratchDir;
using testing::open_store;

// The code and message of the Error `statement` throws.
template <class F>
std::pair<Errc, std::string> failure_of(F&& statement) {
  try {
    statement();
  } catch (const Error& e) {
    return {e.code(), e.what()};
  }
  ADD_FAILURE() << "no bytestore::Error thrown";
  return {Errc::internal, ""};
}

// Runs one SQL statement on a raw connection to `path`.
void raw_exec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* message = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &message), SQLITE_OK) << (message ? message : "");
  sqlite3_free(message);
  sqlite3_close(db);
}

TEST(SqliteKeyBounds, Successor) {
  EXPECT_EQ(sdk::prefix_end(""), std::nullopt);
  EXPECT_EQ(sdk::prefix_end("a"), "b");
  EXPECT_EQ(sdk::prefix_end("abc"), "abd");
  EXPECT_EQ(sdk::prefix_end(std::string("a\0", 2)), std::string("a\x01", 2));
  EXPECT_EQ(sdk::prefix_end("a\x7f"), "a\x80");
  EXPECT_EQ(sdk::prefix_end("a\xfe"), "a\xff");
  EXPECT_EQ(sdk::prefix_end("a\xff"), "b");
  EXPECT_EQ(sdk::prefix_end("ab\xff\xff"), "ac");
  EXPECT_EQ(sdk::prefix_end("\xff"), std::nullopt);
  EXPECT_EQ(sdk::prefix_end("\xff\xff\xff"), std::nullopt);
  EXPECT_EQ(sdk::prefix_end("\xf4\x8f\xbf\xbf"), "\xf4\x8f\xbf\xc0");  // U+10FFFF
}

TEST(SqliteKeyBounds, PrefixScansAreExactRanges) {
  ScratchDir dir;
  auto store = open_store(dir.file("bounds.db"), "page_size: 2");
  const std::vector<std::string> keys = {
      "a", std::string("a\0", 2), std::string("a\0b", 3), "a%", "a_", "ab", "abc", "ac",
      "b", "\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbfz", "\xf4\x8f\xbf\xbe"};
  std::vector<KeyValue> pairs;
  for (const auto& k : keys) pairs.emplace_back(k, "v");
  store->mset(pairs);
  auto list = [&](std::string_view prefix) {
    std::vector<std::string> out;
    for (const auto& k : store->yield_keys(prefix)) out.push_back(k);
    return out;
  };
  std::vector<std::string> all = keys;
  std::sort(all.begin(), all.end());
  EXPECT_EQ(list(""), all) << "not in byte order";
  EXPECT_EQ(list("a"), (std::vector<std::string>{"a", std::string("a\0", 2), std::string("a\0b", 3),
                                                 "a%", "a_", "ab", "abc", "ac"}));
  EXPECT_EQ(list(std::string("a\0", 2)),
            (std::vector<std::string>{std::string("a\0", 2), std::string("a\0b", 3)}));
  EXPECT_EQ(list("a%"), (std::vector<std::string>{"a%"}));
  EXPECT_EQ(list("ab"), (std::vector<std::string>{"ab", "abc"}));
  EXPECT_EQ(list("\xf4\x8f\xbf\xbf"),
            (std::vector<std::string>{"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbfz"}));
  EXPECT_TRUE(list("zz").empty());
}

TEST(SqliteOptions, ParsedFromTheirCanonicalText) {
  const std::vector<std::pair<std::string, std::string>> text = {
      {"path", "/x/y.db"},     {"table", "kv"},       {"synchronous", "full"},
      {"busy_timeout", "250"}, {"page_size", "17"},   {"read_only", "true"},
      {"connections", "2"}};
  std::vector<bytestore_option_value> values;
  for (const auto& [name, value] : text)
    values.push_back({{name.data(), name.size()}, {value.data(), value.size()}});
  const SqliteOptions options = sdk::detail::parse_options<SqliteOptions>(values.data(), values.size());
  EXPECT_EQ(options.path, "/x/y.db");
  EXPECT_EQ(options.table, "kv");
  EXPECT_EQ(options.synchronous, Synchronous::full);
  EXPECT_EQ(options.busy_timeout, std::chrono::milliseconds(250));
  EXPECT_EQ(options.page_size, 17u);
  EXPECT_TRUE(options.read_only);
  EXPECT_EQ(options.connections, 2u);

  const SqliteOptions defaults{};
  EXPECT_EQ(defaults.table, "bytestore");
  EXPECT_EQ(defaults.synchronous, Synchronous::full);  // survives power loss, as lmdb's default
  EXPECT_EQ(defaults.busy_timeout, std::chrono::seconds(5));
  EXPECT_FALSE(defaults.read_only);
}

// One durability promise: a store opened with the defaults syncs every
// commit (PRAGMA synchronous = FULL, 2), as lmdb's default does.
TEST(SqliteOptions, DefaultConnectionSurvivesPowerLoss) {
  ScratchDir dir;
  ConnectionSettings settings;
  settings.path = settings.filename = dir.file("d.db");
  settings.synchronous = SqliteOptions{}.synchronous;
  Connection connection(settings);
  sqlite3_stmt* query = connection.prepared("PRAGMA synchronous");
  ASSERT_EQ(sqlite3_step(query), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(query, 0), 2);
  sqlite3_reset(query);
}

TEST(SqliteOptions, AcceptedThroughConfigWithUnits) {
  ScratchDir dir;
  for (const char* mode : {"full", "normal", "off"}) {
    auto store = open_store(dir.file(std::string(mode) + ".db"),
                            std::string("synchronous: ") + mode + ", busy_timeout: 2s");
    store->mset({{"k", mode}});
    EXPECT_EQ(store->mget({"k"}).at(0), mode);
  }
}

TEST(SqliteOptions, BadValuesAreConfigErrors) {
  ScratchDir dir;
  const std::string path = dir.file("bad.db");
  for (const std::string extra : {"synchronous: sometimes", "page_size: 0", "connections: 0",
                                  "busy_timeout: soon", "read_only: maybe"}) {
    EXPECT_EQ(failure_of([&] { open_store(path, extra); }).first, Errc::config) << extra;
  }
  EXPECT_EQ(failure_of([&] { open_store(""); }).first, Errc::config);
  EXPECT_EQ(failure_of([&] { open_store(":memory:", "read_only: true"); }).first, Errc::config);
}

TEST(SqliteSchema, TableNamesAreValidated) {
  ScratchDir dir;
  const std::string path = dir.file("tables.db");
  for (const std::string bad : {"", "1abc", "a-b", "a b", "x\"; DROP TABLE t; --", "caf\xc3\xa9"}) {
    const auto [code, message] = failure_of([&] { open_store(path, "table: '" + bad + "'"); });
    EXPECT_EQ(code, Errc::config) << bad;
    EXPECT_NE(message.find("table"), std::string::npos) << message;
  }
  for (const std::string good : {"kv", "_private", "Store_2"}) {
    auto store = open_store(path, "table: " + good);
    store->mset({{"which", good}});
  }
  // Stores on different tables of one file are separate.
  EXPECT_EQ(open_store(path, "table: kv")->mget({"which"}).at(0), "kv");
  EXPECT_EQ(open_store(path, "table: _private")->mget({"which"}).at(0), "_private");
  EXPECT_EQ(open_store(path)->mget({"which"}).at(0), std::nullopt);
}

TEST(SqliteSchema, NewerFormatVersionIsRefused) {
  ScratchDir dir;
  const std::string path = dir.file("future.db");
  open_store(path)->mset({{"k", "v"}});
  raw_exec(path, "PRAGMA user_version = 2");
  const auto [code, message] = failure_of([&] { open_store(path); });
  EXPECT_EQ(code, Errc::corruption);
  EXPECT_NE(message.find("newer bytestore"), std::string::npos) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(SqliteSchema, FormatVersionIsRecorded) {
  ScratchDir dir;
  const std::string path = dir.file("version.db");
  open_store(path);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), 1);
  sqlite3_finalize(statement);
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "wal");
  sqlite3_finalize(statement);
  sqlite3_close(db);
}

TEST(SqliteErrors, NonSqliteFileIsCorruptionNamingThePath) {
  ScratchDir dir;
  const std::string path = dir.file("random.bin");
  {
    std::ofstream out(path, std::ios::binary);
    std::mt19937 random(7);
    for (int i = 0; i < 8192; ++i) out.put(static_cast<char>(random()));
  }
  const auto [code, message] = failure_of([&] { open_store(path); });
  EXPECT_EQ(code, Errc::corruption) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
}

TEST(SqliteErrors, ParentDirectoryIsCreated) {
  ScratchDir dir;
  const std::string path = dir.file("a/b/c/nested.db");
  open_store(path)->mset({{"k", "v"}});
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(SqliteErrors, UncreatableLocationIsIo) {
  ScratchDir dir;
  { std::ofstream(dir.file("plain-file")) << "x"; }
  // The parent "directory" is a regular file.
  auto [code, message] = failure_of([&] { open_store(dir.file("plain-file/sub/x.db")); });
  EXPECT_EQ(code, Errc::io) << message;
  // The path is a directory.
  std::tie(code, message) = failure_of([&] { open_store(dir.path().string()); });
  EXPECT_EQ(code, Errc::io) << message;
  EXPECT_NE(message.find(dir.path().string()), std::string::npos) << message;
}

// Makes `path` unwritable even for root (mode 0555/0444 plus, where the
// file system allows, the immutable flag); undone when destroyed.
class Unwritable {
 public:
  explicit Unwritable(const std::string& path, bool directory) : path_(path) {
    std::filesystem::permissions(path, directory ? std::filesystem::perms(0555)
                                                 : std::filesystem::perms(0444));
    set_immutable(true);
  }
  ~Unwritable() {
    set_immutable(false);
    std::filesystem::permissions(path_, std::filesystem::perms(0755));
  }
  // Whether writing really is refused here.
  bool effective(const std::string& probe) const {
    const int fd = ::open(probe.c_str(), O_RDWR | O_CREAT, 0644);
    if (fd >= 0) {
      close(fd);
      if (probe != path_) unlink(probe.c_str());
      return false;
    }
    return true;
  }

 private:
  void set_immutable(bool on) {
    const int fd = ::open(path_.c_str(), O_RDONLY | O_NONBLOCK);
    if (fd < 0) return;
    int flags = 0;
    if (ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0) {
      flags = on ? (flags | FS_IMMUTABLE_FL) : (flags & ~FS_IMMUTABLE_FL);
      ioctl(fd, FS_IOC_SETFLAGS, &flags);
    }
    close(fd);
  }
  std::string path_;
};

TEST(SqliteErrors, ReadOnlyDirectoryIsIo) {
  ScratchDir dir;
  const std::string locked = dir.file("locked");
  std::filesystem::create_directory(locked);
  Unwritable guard(locked, true);
  if (!guard.effective(locked + "/probe")) GTEST_SKIP() << "cannot make a directory read-only here";
  const auto [code, message] = failure_of([&] { open_store(locked + "/x.db"); });
  EXPECT_EQ(code, Errc::io) << message;
  EXPECT_NE(message.find(locked), std::string::npos) << message;
}

TEST(SqliteErrors, ReadOnlyFileIsIo) {
  ScratchDir dir;
  const std::string path = dir.file("frozen.db");
  open_store(path)->mset({{"k", "v"}});
  Unwritable guard(path, false);
  if (!guard.effective(path)) GTEST_SKIP() << "cannot make a file read-only here";
  const auto [code, message] = failure_of([&] { open_store(path); });
  EXPECT_EQ(code, Errc::io) << message;
  EXPECT_NE(message.find(path), std::string::npos) << message;
  EXPECT_NE(message.find("read_only"), std::string::npos) << message;
}

TEST(SqliteReadOnly, ReadsWorkAndWritesAreRefused) {
  ScratchDir dir;
  const std::string path = dir.file("ro.db");
  open_store(path)->mset({{"k", "v"}, {"k2", "v2"}});
  auto store = open_store(path, "read_only: true");
  EXPECT_EQ(store->mget({"k", "k2", "missing"}),
            (std::vector<std::optional<Bytes>>{"v", "v2", std::nullopt}));
  std::vector<std::string> keys;
  for (const auto& k : store->yield_keys()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"k", "k2"}));
  auto [code, message] = failure_of([&] { store->mset({{"k", "changed"}}); });
  EXPECT_EQ(code, Errc::invalid_argument) << message;
  EXPECT_NE(message.find("read_only"), std::string::npos) << message;
  std::tie(code, message) = failure_of([&] { store->mdelete({"k"}); });
  EXPECT_EQ(code, Errc::invalid_argument) << message;
  EXPECT_EQ(store->mget({"k"}).at(0), "v");
}

TEST(SqliteReadOnly, MissingFileIsIo) {
  ScratchDir dir;
  const auto [code, message] = failure_of([&] { open_store(dir.file("absent.db"), "read_only: true"); });
  EXPECT_EQ(code, Errc::io) << message;
  EXPECT_FALSE(std::filesystem::exists(dir.file("absent.db")));
}

TEST(SqliteLocking, BusyBeyondTheTimeoutIsUnavailable) {
  ScratchDir dir;
  const std::string path = dir.file("busy.db");
  auto store = open_store(path, "busy_timeout: 100ms");
  store->mset({{"k", "before"}});

  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);

  const auto start = std::chrono::steady_clock::now();
  const auto [code, message] = failure_of([&] { store->mset({{"k", "during"}}); });
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(code, Errc::unavailable) << message;
  EXPECT_NE(message.find("busy_timeout"), std::string::npos) << message;
  EXPECT_LT(waited, std::chrono::seconds(5)) << "did not give up after busy_timeout";
  EXPECT_EQ(failure_of([&] { store->mdelete({"k"}); }).first, Errc::unavailable);
  // Under WAL a held write lock does not block readers.
  EXPECT_EQ(store->mget({"k"}).at(0), "before");

  ASSERT_EQ(sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(holder);
  store->mset({{"k", "after"}});
  EXPECT_EQ(store->mget({"k"}).at(0), "after");
}

TEST(SqliteLocking, WriterWaitsForAShortLock) {
  ScratchDir dir;
  const std::string path = dir.file("wait.db");
  auto store = open_store(path, "busy_timeout: 10s");
  sqlite3* holder = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &holder), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(holder, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    sqlite3_exec(holder, "COMMIT", nullptr, nullptr, nullptr);
  });
  store->mset({{"k", "v"}});  // waits for the holder, then succeeds
  release.join();
  sqlite3_close(holder);
  EXPECT_EQ(store->mget({"k"}).at(0), "v");
}

TEST(SqliteCapabilities, FileAndMemory) {
  ScratchDir dir;
  const Capabilities file = open_store(dir.file("caps.db"))->capabilities();
  EXPECT_GE(file.max_key_bytes, 65536u);
  EXPECT_GT(file.max_value_bytes, 900'000'000u);
  EXPECT_LT(file.max_value_bytes, 1'000'000'000u);
  EXPECT_TRUE(file.atomic_batch);
  EXPECT_TRUE(file.ordered_keys);
  EXPECT_TRUE(file.persistent);
  EXPECT_FALSE(open_store(":memory:")->capabilities().persistent);
}

TEST(SqliteMemory, OneDatabasePerStoreSharedByItsThreads) {
  auto store = open_store(":memory:");
  auto other = open_store(":memory:");
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        const std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
        store->mset({{key, key}});
        EXPECT_EQ(store->mget({key}).at(0), key);
      }
    });
  for (auto& thread : threads) thread.join();
  std::size_t count = 0;
  for (const auto& key : store->yield_keys("t")) count += !key.empty();
  EXPECT_EQ(count, 400u);
  EXPECT_EQ(other->mget({"t0/0"}).at(0), std::nullopt) << "two :memory: stores share data";
}

TEST(SqliteBatches, FailedBatchLeavesNothing) {
  ScratchDir dir;
  const std::string path = dir.file("atomic.db");
  auto store = open_store(path, "busy_timeout: 50ms");
  store->mset({{"keep", "1"}});
  // A trigger makes the third row of the next batch fail mid-transaction.
  raw_exec(path,
           "CREATE TRIGGER refuse BEFORE INSERT ON bytestore WHEN NEW.key = CAST('boom' AS BLOB) "
           "BEGIN SELECT RAISE(ABORT, 'refused by test trigger'); END");
  store = open_store(path);
  const auto [code, message] = failure_of([&] { store->mset({{"a", "1"}, {"b", "2"}, {"boom", "3"}}); });
  EXPECT_NE(message.find("refused by test trigger"), std::string::npos) << message;
  EXPECT_EQ(store->mget({"a", "b", "keep"}),
            (std::vector<std::optional<Bytes>>{std::nullopt, std::nullopt, "1"}));
  store->mset({{"a", "1"}});  // the connection is usable again
  EXPECT_EQ(store->mget({"a"}).at(0), "1");
}

}  // namespace
}  // namespace bytestore::sqlite

namespace bytestore::sqlite {
namespace {

std::uintmax_t file_bytes(const std::string& path) {
  std::error_code ec;
  std::uintmax_t total = 0;
  for (const std::string& f : {path, path + "-wal"})
    if (std::filesystem::exists(f, ec)) total += std::filesystem::file_size(f, ec);
  return total;
}

// compact() (VACUUM, then a truncating checkpoint) gives back the space of
// deleted rows, file and WAL together, and keeps every pair.
TEST(SqliteCompact, GivesBackTheSpaceOfDeletedRows) {
  ScratchDir dir;
  const std::string path = dir.file("c.db");
  auto store = open_store(path, "synchronous: normal");
  std::vector<KeyValue> pairs;
  for (int i = 0; i < 5000; ++i) pairs.emplace_back("k" + std::to_string(i), std::string(2000, 'v'));
  store->mset(pairs);
  std::vector<std::string> gone;
  for (int i = 100; i < 5000; ++i) gone.push_back("k" + std::to_string(i));
  store->mdelete(gone);
  const auto before = file_bytes(path);
  EXPECT_TRUE(store->compact());
  const auto after = file_bytes(path);
  EXPECT_LT(after * 4, before) << before << " -> " << after << " bytes";
  EXPECT_EQ(store->mget({"k0", "k99", "k100"}),
            (std::vector<std::optional<Bytes>>{std::string(2000, 'v'), std::string(2000, 'v'), std::nullopt}));
  auto reader = open_store(path, "read_only: true");
  try {
    reader->compact();
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::invalid_argument);
  }
}

}  // namespace
}  // namespace bytestore::sqlite
