// Concurrency soak: many threads (and two processes) run random mixes of
// mget/mset/mdelete/yield_keys on one store, each against a model of what
// the store must then hold. Each worker owns a key prefix, so its model is
// exact even while the others write; every listing and read of its own keys
// is checked as it goes, and the whole store at the end.
#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <random>
#include <thread>

namespace bytestore {
namespace {

using Model = std::map<std::string, Bytes>;

constexpr const char* kConfig = BYTESTORE_SOAK_CONFIG;

std::unique_ptr<ByteStore> open_store(const std::string& name) {
  return Config::load_file(kConfig).open(name);
}

// Runs `operations` random operations on keys under `prefix`, keeping
// `model` in step. Returns the number of mismatches seen along the way.
int run_worker(ByteStore& store, const std::string& prefix, int operations, unsigned seed,
               Model& model) {
  std::mt19937 random(seed);
  int mismatches = 0;
  auto key = [&] { return prefix + std::to_string(random() % 64); };
  for (int op = 0; op < operations; ++op) {
    switch (random() % 4) {
      case 0: {  // mset of a small batch, with a repeated key now and then
        std::vector<KeyValue> pairs;
        for (int i = 0, n = 1 + random() % 8; i < n; ++i) {
          Bytes value(random() % 300, '\0');
          for (char& c : value) c = static_cast<char>(random());
          pairs.emplace_back(key(), value);
        }
        store.mset(pairs);
        for (auto& [k, v] : pairs) model[k] = v;
        break;
      }
      case 1: {  // mget, checked against the model
        std::vector<std::string> keys;
        for (int i = 0, n = 1 + random() % 8; i < n; ++i) keys.push_back(key());
        const auto values = store.mget(keys);
        for (std::size_t i = 0; i < keys.size(); ++i) {
          const auto it = model.find(keys[i]);
          const std::optional<Bytes> expected =
              it == model.end() ? std::nullopt : std::optional<Bytes>(it->second);
          mismatches += values[i] != expected;
        }
        break;
      }
      case 2: {  // mdelete
        std::vector<std::string> keys;
        for (int i = 0, n = 1 + random() % 4; i < n; ++i) keys.push_back(key());
        store.mdelete(keys);
        for (const auto& k : keys) model.erase(k);
        break;
      }
      case 3: {  // a listing of this worker's keys equals the model's
        std::vector<std::string> listed;
        for (const std::string& k : store.yield_keys(prefix)) listed.push_back(k);
        std::sort(listed.begin(), listed.end());
        std::vector<std::string> expected;
        for (const auto& [k, v] : model) expected.push_back(k);
        mismatches += listed != expected;
        break;
      }
    }
  }
  return mismatches;
}

// The store's whole contents.
Model contents(ByteStore& store) {
  std::vector<std::string> keys;
  for (const std::string& k : store.yield_keys()) keys.push_back(k);
  const auto values = store.mget(keys);
  Model all;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (values[i]) all[keys[i]] = *values[i];
  return all;
}

void clear(ByteStore& store) {
  std::vector<std::string> keys;
  for (const std::string& k : store.yield_keys()) keys.push_back(k);
  store.mdelete(keys);
}

class Soak : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    std::filesystem::create_directories("soak");
    auto store = open_store(GetParam());
    clear(*store);
  }
};

TEST_P(Soak, EightThreadsOnOneStoreMatchTheirModels) {
  constexpr int kThreads = 8, kOperations = 1500;
  auto store = open_store(GetParam());
  std::vector<Model> models(kThreads);
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      mismatches[t] = run_worker(*store, "w" + std::to_string(t) + "/", kOperations, 1000 + t, models[t]);
    });
  for (auto& th : threads) th.join();
  Model expected;
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(mismatches[t], 0) << "worker " << t;
    expected.insert(models[t].begin(), models[t].end());
  }
  EXPECT_TRUE(contents(*store) == expected) << "final contents differ from the model";
  std::printf("[ soak     ] %s: %d threads x %d operations, %zu keys at the end\n",
              GetParam().c_str(), kThreads, kOperations, expected.size());
}

TEST_P(Soak, TwoProcessesOnOneStoreMatchTheirModels) {
  if (!open_store(GetParam())->capabilities().persistent)
    GTEST_SKIP() << "an in-process store cannot be shared by two processes";
  constexpr int kOperations = 1500;
  // Each child runs its worker and reports its mismatches as exit code;
  // the parent replays the same seeds to know the expected final state.
  std::vector<pid_t> children;
  for (int p = 0; p < 2; ++p) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int status = 1;
      try {
        auto store = open_store(GetParam());
        Model model;
        status = run_worker(*store, "p" + std::to_string(p) + "/", kOperations, 77 + p, model) == 0 ? 0 : 1;
      } catch (const std::exception& e) {
        std::fprintf(stderr, "child %d: %s\n", p, e.what());
        status = 2;
      }
      _exit(status);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;
  }
  // Replay each worker against a memory store to get its model.
  Model expected;
  for (int p = 0; p < 2; ++p) {
    auto replay = open_yaml("stores: {m: {backend: memory}}\n");
    Model model;
    run_worker(*replay, "p" + std::to_string(p) + "/", kOperations, 77 + p, model);
    expected.insert(model.begin(), model.end());
  }
  auto store = open_store(GetParam());
  EXPECT_TRUE(contents(*store) == expected) << "final contents differ from the model";
  std::printf("[ soak     ] %s: 2 processes x %d operations, %zu keys at the end\n",
              GetParam().c_str(), kOperations, expected.size());
}

INSTANTIATE_TEST_SUITE_P(, Soak, ::testing::Values("memory", "sqlite", "lmdb"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace bytestore
