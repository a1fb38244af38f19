// Many processes on one root: writers killed with SIGKILL mid-batch leave
// every value whole and no temporary file in a listing, and writers and
// readers in separate processes never see a torn value.
#include <gmock/gmock.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>

#include "files_scratch.h"
#include "killed_writer.h"

namespace bytestore::files::testing {
namespace {

constexpr int kKeysPerBatch = 20;
constexpr std::size_t kValueBytes = 64 * 1024;

std::string key_of(int iteration, int batch, int k) {
  // Nested keys, and one key that is also the directory of the next, so
  // kills land in conversions too.
  return "crash/" + std::to_string(iteration) + "/" + std::to_string(batch) + "/" +
         (k == 0 ? std::string("own") : k == 1 ? std::string("own/under") : "k " + std::to_string(k));
}

std::uint64_t seed_of(int iteration, int batch, int k) {
  return (std::uint64_t(iteration) << 40) | (std::uint64_t(batch) << 16) | std::uint64_t(k);
}

bool temp_files_under(const fs::path& root) {
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.path().filename().string().starts_with("%~tmp.")) return true;
  return false;
}

TEST(Crash, KilledWritersLeaveWholeValuesAndNoListedTemporaries) {
  ScratchDir dir;
  const std::string root = dir.file("root");
  // A writer may be killed before its open creates the root.
  fs::create_directories(root);
  constexpr int kIterations = 40;
  std::mt19937 random(std::random_device{}());
  int acknowledged_total = 0, present_total = 0, left_temporaries = 0;
  for (int iteration = 0; iteration < kIterations; ++iteration) {
    const auto writer = bytestore::testing::kill_writer(
        static_cast<int>(random() % 3), std::chrono::microseconds(random() % 20000),
        [&](const bytestore::testing::Acknowledge& acknowledge) {
          auto store = open_files(root, "sync: none");
          for (int batch = 0;; ++batch) {
            std::vector<KeyValue> pairs;
            for (int k = 0; k < kKeysPerBatch; ++k)
              pairs.emplace_back(key_of(iteration, batch, k), pattern_value(seed_of(iteration, batch, k), kValueBytes));
            store->mset(pairs);
            acknowledge(batch);
          }
        });
    ASSERT_TRUE(writer.killed) << "writer exited on its own with code " << writer.exit_code;
    left_temporaries += temp_files_under(root);
    auto store = open_files(root);
    const std::string prefix = "crash/" + std::to_string(iteration) + "/";
    std::vector<std::string> listed;
    for (const std::string& key : store->yield_keys(prefix)) listed.push_back(key);
    // Every listed key is one the writer wrote, with its whole value.
    for (const std::string& key : listed) {
      int batch = -1, k = -1;
      for (int b = 0; b <= writer.last_acknowledged + 1 && k < 0; ++b)
        for (int j = 0; j < kKeysPerBatch; ++j)
          if (key_of(iteration, b, j) == key) batch = b, k = j;
      ASSERT_GE(k, 0) << "listed a key no one wrote: " << key;
      EXPECT_EQ(store->mget({key})[0], pattern_value(seed_of(iteration, batch, k), kValueBytes))
          << key << " is torn";
    }
    // Every acknowledged batch is all there.
    for (int b = 0; b <= writer.last_acknowledged; ++b)
      for (int k = 0; k < kKeysPerBatch; ++k)
        EXPECT_EQ(store->mget({key_of(iteration, b, k)})[0], pattern_value(seed_of(iteration, b, k), kValueBytes))
            << "acknowledged " << key_of(iteration, b, k) << " missing or altered";
    acknowledged_total += writer.last_acknowledged + 1;
    present_total += static_cast<int>(listed.size());
    store->mdelete(listed);
  }
  std::printf("%d kills: %d batches acknowledged, %d values present and whole, %d kills left temporary files\n",
              kIterations, acknowledged_total, present_total, left_temporaries);
  // Compaction removes what killed writers left; with every key deleted,
  // nothing else remains.
  open_files(root)->compact();
  EXPECT_FALSE(temp_files_under(root));
  EXPECT_THAT(tree_of(root), ::testing::ElementsAre());
}

TEST(Processes, WritersAndReadersInSeparateProcessesShareOneRoot) {
  ScratchDir dir;
  const std::string root = dir.file("root");
  constexpr int kWriters = 2, kRounds = 150, kKeys = 16;
  // Values say which key and round they are, all through: a torn value
  // mixes two rounds.
  auto value_of = [](int key, int round) {
    return std::string(4096 + key * 100, static_cast<char>('a' + (key + round) % 26)) + std::to_string(round);
  };
  // "shared" is written by both writers and is also the directory of half
  // the other keys, so writers turn it into a directory under each other.
  auto key_name = [](int key) {
    return key == 1 ? std::string("shared") : (key % 2 ? "s p/" : "shared/") + std::to_string(key);
  };
  std::vector<pid_t> children;
  for (int w = 0; w < kWriters; ++w) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int code = 0;
      try {
        auto store = open_files(root);
        for (int round = 0; round < kRounds; ++round) {
          std::vector<KeyValue> pairs;
          for (int key = 2 + w; key < kKeys; key += kWriters) pairs.emplace_back(key_name(key), value_of(key, round));
          pairs.emplace_back("shared", value_of(1, round));
          store->mset(pairs);
          if (round % 10 == 5) store->mdelete({key_name(2 + w)});
        }
      } catch (const std::exception& e) {
        std::fprintf(stderr, "writer: %s\n", e.what());
        code = 1;
      }
      ::_exit(code);
    }
    children.push_back(pid);
  }
  auto reader = open_files(root);
  int reads = 0, torn = 0;
  auto whole = [&](int key, const std::optional<Bytes>& value) {
    if (!value) return true;
    const std::size_t size = 4096 + key * 100;
    if (value->size() <= size) return false;
    return *value == value_of(key, std::stoi(value->substr(size)));
  };
  std::vector<int> statuses;
  while (statuses.size() < children.size()) {
    const auto values = reader->mget({"shared", "shared/2", "s p/3", "shared/4"});
    torn += !whole(1, values[0]) + !whole(2, values[1]) + !whole(3, values[2]) + !whole(4, values[3]);
    ++reads;
    int status = 0;
    if (::waitpid(-1, &status, WNOHANG) > 0) statuses.push_back(status);
  }
  for (int status : statuses) EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  std::printf("%d reads beside %d writers, %d torn\n", reads, kWriters, torn);
  EXPECT_EQ(torn, 0);
  for (int key = 1; key < kKeys; ++key)
    EXPECT_EQ(reader->mget({key_name(key)})[0], value_of(key, kRounds - 1)) << key_name(key);
}

}  // namespace
}  // namespace bytestore::files::testing
