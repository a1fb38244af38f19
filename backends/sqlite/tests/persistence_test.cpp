// Data written and closed by one process is read back byte-identical by a
// new process (this binary run again, in its reader role).
#include "sqlite_scratch.h"

#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <map>

namespace bytestore::sqlite {
namespace {

using testing::ScratchDir;

constexpr const char* kReaderPathVariable = "BYTESTORE_SQLITE_READER_PATH";

// What the writer stores and the reader expects, built the same in both.
std::map<std::string, Bytes> expected_contents() {
  std::map<std::string, Bytes> contents;
  Bytes every_byte;
  for (int i = 0; i < 256; ++i) every_byte.push_back(static_cast<char>(i));
  contents["every-byte"] = every_byte;
  contents["every-byte-reversed"] = Bytes(every_byte.rbegin(), every_byte.rend());
  contents["empty"] = "";
  contents["nuls"] = Bytes(4096, '\0');
  contents[std::string("key\0with-nul", 12)] = "nul in key";
  contents["caf\xc3\xa9/\xf0\x9f\x98\x80"] = "unicode key";
  contents[std::string(65536, 'k')] = "longest key";
  Bytes big(3 << 20, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131 + 7) % 251);
  contents["big"] = big;
  for (int i = 0; i < 500; ++i) contents["many/" + std::to_string(i)] = std::to_string(i * i);
  return contents;
}

void expect_contents(ByteStore& store) {
  const auto expected = expected_contents();
  std::vector<std::string> keys;
  for (const auto& [key, value] : expected) keys.push_back(key);
  keys.push_back("deleted");
  const auto values = store.mget(keys);
  for (std::size_t i = 0; i + 1 < keys.size(); ++i) {
    ASSERT_TRUE(values[i].has_value()) << "missing " << keys[i].substr(0, 40);
    EXPECT_TRUE(*values[i] == expected.at(keys[i])) << "altered " << keys[i].substr(0, 40);
  }
  EXPECT_EQ(values.back(), std::nullopt) << "a deleted key came back";
  std::vector<std::string> listed;
  for (const auto& key : store.yield_keys()) listed.push_back(key);
  keys.pop_back();
  EXPECT_EQ(listed, keys) << "listing differs (std::map keys are in byte order)";
}

// The reader role: runs only when the writer starts this binary with the
// database's path in the environment.
TEST(SqlitePersistence, ReaderProcess) {
  const char* path = std::getenv(kReaderPathVariable);
  if (!path) GTEST_SKIP() << "runs only as the reader started by WrittenThenReadByANewProcess";
  auto store = testing::open_store(path);
  EXPECT_TRUE(store->capabilities().persistent);
  expect_contents(*store);
}

TEST(SqlitePersistence, WrittenThenReadByANewProcess) {
  if (std::getenv(kReaderPathVariable)) GTEST_SKIP() << "reader role";
  ScratchDir dir;
  const std::string path = dir.file("persist.db");
  {
    auto store = testing::open_store(path);
    std::vector<KeyValue> pairs;
    for (const auto& [key, value] : expected_contents()) pairs.emplace_back(key, value);
    store->mset(pairs);
    store->mset({{"deleted", "soon"}, {"empty", "overwritten below"}});
    store->mset({{"empty", ""}});
    store->mdelete({"deleted", "never-existed"});
  }

  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    setenv(kReaderPathVariable, path.c_str(), 1);
    execl("/proc/self/exe", "bytestore-sqlite-persistence-reader",
          "--gtest_filter=SqlitePersistence.ReaderProcess", "--gtest_brief=1", nullptr);
    _exit(127);
  }
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFEXITED(status)) << "reader died with status " << status;
  EXPECT_EQ(WEXITSTATUS(status), 0) << "the new process read different data (its output is above)";

  // And this process, reopening after the reader, sees the same.
  auto store = testing::open_store(path);
  expect_contents(*store);
}

}  // namespace
}  // namespace bytestore::sqlite
