// Several processes on one environment: LMDB's lock file serialises their
// writers, and each grows or adopts the shared map as needed.
#include <lmdb.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "scratch.h"

namespace bytestore::lmdb::testing {
namespace {

// Runs `body` in a child process; its exit status says whether it threw.
pid_t spawn(const std::function<void()>& body) {
  const pid_t child = fork();
  if (child != 0) return child;
  int status = 0;
  try {
    body();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "child %d: %s\n", getpid(), e.what());
    status = 1;
  }
  std::fflush(stderr);
  _exit(status);
}

int wait_for(pid_t child) {
  int status = 0;
  waitpid(child, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string value_for(int writer, int n) { return "writer " + std::to_string(writer) + " #" + std::to_string(n); }

TEST(Processes, TwoWritersAtOnceEachKeepEverythingTheyWrote) {
  ScratchDir dir;
  const std::string path = dir.file("env");
  constexpr int kBatches = 150, kKeys = 8;
  // A tiny map: both processes grow it, and adopt each other's growth.
  auto writer = [&](int id) {
    return [&, id] {
      auto store = open_lmdb(path, "map_size: 64KiB");
      for (int b = 0; b < kBatches; ++b) {
        std::vector<KeyValue> pairs;
        for (int k = 0; k < kKeys; ++k) {
          const int n = b * kKeys + k;
          pairs.emplace_back("own/" + std::to_string(id) + "/" + std::to_string(n),
                             value_for(id, n) + pattern_value(n, 2000));
        }
        pairs.emplace_back("both/" + std::to_string(b), value_for(id, b));
        store->mset(pairs);
        if (b % 10 == 0) store->mdelete({"own/" + std::to_string(id) + "/" + std::to_string(b)});
      }
    };
  };
  const pid_t first = spawn(writer(1));
  const pid_t second = spawn(writer(2));
  ASSERT_EQ(wait_for(first), 0);
  ASSERT_EQ(wait_for(second), 0);

  auto store = open_lmdb(path);
  for (int id : {1, 2}) {
    std::size_t listed = 0;
    for (const std::string& k : store->yield_keys("own/" + std::to_string(id) + "/")) {
      (void)k;
      ++listed;
    }
    EXPECT_EQ(listed, std::size_t{kBatches * kKeys} - (kBatches + 9) / 10) << "writer " << id;
    for (int n = 0; n < kBatches * kKeys; ++n) {
      const auto got = store->mget({"own/" + std::to_string(id) + "/" + std::to_string(n)})[0];
      const bool was_deleted = n < kBatches && n % 10 == 0;
      if (was_deleted) {
        EXPECT_EQ(got, std::nullopt) << "writer " << id << " key " << n;
      } else {
        ASSERT_TRUE(got.has_value()) << "writer " << id << " key " << n;
        EXPECT_TRUE(*got == value_for(id, n) + pattern_value(n, 2000)) << "writer " << id << " key " << n;
      }
    }
  }
  for (int b = 0; b < kBatches; ++b) {
    const auto got = store->mget({"both/" + std::to_string(b)})[0];
    ASSERT_TRUE(got.has_value());
    EXPECT_TRUE(*got == value_for(1, b) || *got == value_for(2, b)) << *got;
  }
}

// A process holding the only reader slot makes reads unavailable, with
// advice; once it dies its slot is reclaimed.
TEST(Processes, FullReaderTableIsUnavailableUntilTheHolderDies) {
  ScratchDir dir;
  const std::string path = dir.file("env");
  open_lmdb(path)->mset({{"k", "v"}});
  // The reader table keeps its size while the lock file exists.
  std::filesystem::remove(path + "/lock.mdb");
  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t holder = spawn([&] {
    close(ready[0]);
    MDB_env* env = nullptr;
    MDB_txn* txn = nullptr;
    if (mdb_env_create(&env) || mdb_env_set_maxreaders(env, 1) ||
        mdb_env_open(env, path.c_str(), MDB_NOTLS, 0644) ||
        mdb_txn_begin(env, nullptr, MDB_RDONLY, &txn))
      _exit(2);
    const char byte = 1;
    if (write(ready[1], &byte, 1) != 1) _exit(3);
    pause();  // holds the slot until killed
  });
  close(ready[1]);
  char byte = 0;
  ASSERT_EQ(read(ready[0], &byte, 1), 1) << "holder could not take the reader slot";
  close(ready[0]);

  auto store = open_lmdb(path, "max_readers: 1");
  const std::string message = EXPECT_ERRC(store->mget({"k"}), Errc::unavailable);
  EXPECT_NE(message.find("max_readers"), std::string::npos) << message;

  kill(holder, SIGKILL);
  wait_for(holder);
  EXPECT_EQ(store->mget({"k"})[0], "v");
}

}  // namespace
}  // namespace bytestore::lmdb::testing

namespace bytestore::lmdb::testing {
namespace {

std::uintmax_t data_size(const std::string& env) {
  return std::filesystem::file_size(std::filesystem::path(env) / "data.mdb");
}

// compact() gives the pages of deleted data back to the file system, keeps
// every key, and refuses while another process has the environment open.
TEST(Processes, CompactShrinksTheFileAndWaitsForOtherProcessesToClose) {
  ScratchDir dir;
  const std::string path = dir.file("env");
  auto store = open_lmdb(path, "sync: nosync");
  std::vector<KeyValue> pairs;
  for (int i = 0; i < 20'000; ++i) pairs.emplace_back("k" + std::to_string(i), std::string(1000, 'v'));
  store->mset(pairs);
  std::vector<std::string> gone;
  for (int i = 0; i < 19'000; ++i) gone.push_back("k" + std::to_string(i));
  store->mdelete(gone);
  const auto before = data_size(path);

  int ready[2];
  ASSERT_EQ(pipe(ready), 0);
  const pid_t holder = spawn([&] {
    auto other = open_lmdb(path, "sync: nosync");
    (void)other->mget({"k0"});
    const char c = 1;
    if (write(ready[1], &c, 1) != 1) _exit(2);
    pause();
  });
  char c;
  ASSERT_EQ(read(ready[0], &c, 1), 1);
  try {
    store->compact();
    ADD_FAILURE() << "compacted while another process had the environment open";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unavailable);
    EXPECT_NE(std::string(e.what()).find("pid " + std::to_string(holder)), std::string::npos) << e.what();
  }
  kill(holder, SIGKILL);
  wait_for(holder);
  close(ready[0]);
  close(ready[1]);

  EXPECT_TRUE(store->compact());
  const auto after = data_size(path);
  EXPECT_LT(after * 4, before) << before << " -> " << after << " bytes";
  auto values = store->mget({"k0", "k18999", "k19000", "k19999"});
  EXPECT_EQ(values[0], std::nullopt);
  EXPECT_EQ(values[1], std::nullopt);
  EXPECT_EQ(values[2], std::string(1000, 'v'));
  EXPECT_EQ(values[3], std::string(1000, 'v'));
  std::size_t listed = 0;
  for (const std::string& k : store->yield_keys()) listed += !k.empty();
  EXPECT_EQ(listed, 1000u);
  store->mset({{"after", "compaction"}});  // still writable, by a new handle
  EXPECT_EQ(open_lmdb(path, "sync: nosync")->mget({"after"})[0], "compaction");
  EXPECT_FALSE(std::filesystem::exists(path + "/data.mdb.compacting"));
}

}  // namespace
}  // namespace bytestore::lmdb::testing
