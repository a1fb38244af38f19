// Two processes writing and reading one file at once.
#include "sqlite_scratch.h"

#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <iostream>

namespace bytestore::sqlite {
namespace {

using testing::ScratchDir;

constexpr int kRounds = 150;
constexpr int kOwnKeys = 20;
constexpr int kSharedKeys = 10;

std::string own_key(char writer, int i) { return std::string("own/") + writer + "/" + std::to_string(i); }
std::string shared_key(int i) { return "shared/" + std::to_string(i); }
Bytes value_of(char writer, int round, int i) {
  return std::string(1, writer) + ":" + std::to_string(round) + ":" + std::to_string(i) +
         Bytes(static_cast<std::size_t>(100 + i * 37), static_cast<char>(round));
}

// The child: each round one batch over its own keys and the shared ones,
// then reads its own keys back. Exits 0 when everything read was right.
[[noreturn]] void write_and_read(const std::string& path, char writer, int go) {
  char start;
  if (read(go, &start, 1) < 0) _exit(5);  // returns at EOF: both start together
  try {
    auto store = testing::open_store(path);
    for (int round = 0; round < kRounds; ++round) {
      std::vector<KeyValue> pairs;
      for (int i = 0; i < kOwnKeys; ++i) pairs.emplace_back(own_key(writer, i), value_of(writer, round, i));
      for (int i = 0; i < kSharedKeys; ++i) pairs.emplace_back(shared_key(i), value_of(writer, round, i));
      if (round % 10 == 9) pairs.emplace_back(own_key(writer, 1000 + round), "temporary");
      store->mset(pairs);
      if (round % 10 == 9) store->mdelete({own_key(writer, 1000 + round)});

      std::vector<std::string> keys;
      for (int i = 0; i < kOwnKeys; ++i) keys.push_back(own_key(writer, i));
      const auto values = store->mget(keys);
      for (int i = 0; i < kOwnKeys; ++i)
        if (values[i] != value_of(writer, round, i)) _exit(10);
      int listed = 0;
      for (const auto& key : store->yield_keys(std::string("own/") + writer + "/")) listed += !key.empty();
      if (listed != kOwnKeys) _exit(11);
      // The shared keys always hold one whole batch: all from one writer and round.
      const auto shared = store->mget({shared_key(0), shared_key(kSharedKeys - 1)});
      if (!shared[0] || !shared[1] || shared[0]->substr(0, shared[0]->find(':', 2)) !=
                                          shared[1]->substr(0, shared[1]->find(':', 2)))
        _exit(12);
    }
  } catch (const std::exception& e) {
    std::cerr << "writer " << writer << ": " << e.what() << "\n";
    _exit(4);
  }
  _exit(0);
}

TEST(SqliteTwoProcesses, ConcurrentWritersAndReaders) {
  ScratchDir dir;
  const std::string path = dir.file("shared.db");  // created by whichever child is first
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> children;
  for (char writer : {'A', 'B'}) {
    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(go[1]);
      write_and_read(path, writer, go[0]);
    }
    children.push_back(child);
  }
  close(go[0]);
  close(go[1]);  // start both
  for (pid_t child : children) {
    int status = 0;
    waitpid(child, &status, 0);
    ASSERT_TRUE(WIFEXITED(status)) << "writer died with status " << status;
    EXPECT_EQ(WEXITSTATUS(status), 0) << "writer saw wrong data (see its exit code)";
  }

  auto store = testing::open_store(path);
  for (char writer : {'A', 'B'}) {
    std::vector<std::string> keys;
    for (int i = 0; i < kOwnKeys; ++i) keys.push_back(own_key(writer, i));
    const auto values = store->mget(keys);
    for (int i = 0; i < kOwnKeys; ++i) EXPECT_EQ(values[i], value_of(writer, kRounds - 1, i)) << keys[i];
  }
  std::vector<std::string> shared;
  for (int i = 0; i < kSharedKeys; ++i) shared.push_back(shared_key(i));
  const auto values = store->mget(shared);
  ASSERT_TRUE(values[0].has_value());
  const char last = (*values[0])[0];
  EXPECT_TRUE(last == 'A' || last == 'B');
  for (int i = 0; i < kSharedKeys; ++i)
    EXPECT_EQ(values[i], value_of(last, kRounds - 1, i)) << "shared keys mix two batches";
  std::vector<std::string> all;
  for (const auto& key : store->yield_keys()) all.push_back(key);
  EXPECT_EQ(all.size(), static_cast<std::size_t>(2 * kOwnKeys + kSharedKeys));
  EXPECT_EQ(testing::integrity_check(path), "ok");
}

}  // namespace
}  // namespace bytestore::sqlite
