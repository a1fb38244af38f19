#include "executor.h"

#include <bytestore/error.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <string>
#include <stdexcept>
#include <thread>

namespace bytestore::internal {
namespace {

TEST(Executor, RunsTasksAndReturnsResults) {
  Executor executor(2);
  auto a = executor.submit([] { return 40; });
  auto b = executor.submit([] { return 2; });
  EXPECT_EQ(a.get() + b.get(), 42);
}

TEST(Executor, ExceptionsArriveThroughTheFuture) {
  Executor executor(1);
  auto f = executor.submit([]() -> int { throw std::runtime_error("nope"); });
  EXPECT_THROW(f.get(), std::runtime_error);
}

TEST(Executor, UsesOnlyItsOwnThreadsWhateverTheLoad) {
  Executor executor(3);
  std::mutex mutex;
  std::set<std::thread::id> seen;
  std::vector<std::future<void>> done;
  for (int i = 0; i < 500; ++i)
    done.push_back(executor.submit([&] {
      std::lock_guard lock(mutex);
      seen.insert(std::this_thread::get_id());
    }));
  for (auto& f : done) f.get();
  EXPECT_LE(seen.size(), 3u);
  EXPECT_EQ(executor.thread_count(), 3u);
}

TEST(Executor, DestructorFinishesQueuedWork) {
  std::atomic<int> ran{0};
  {
    Executor executor(1);
    for (int i = 0; i < 100; ++i) executor.post([&] { ++ran; });
  }
  EXPECT_EQ(ran.load(), 100);
}

TEST(Executor, SharedSizeComesFromTheEnvironmentOrTheHardware) {
  EXPECT_EQ(Executor::shared_size(nullptr, 2), 2u);
  EXPECT_EQ(Executor::shared_size("", 1), 2u);
  EXPECT_EQ(Executor::shared_size(nullptr, 64), 16u);
  EXPECT_EQ(Executor::shared_size("1", 64), 1u);
  EXPECT_EQ(Executor::shared_size("40", 2), 40u);
  for (const char* bad : {"0", "-3", "257", "4 threads", "x"}) {
    try {
      Executor::shared_size(bad, 2);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::config);
      EXPECT_NE(std::string(e.what()).find("BYTESTORE_ASYNC_THREADS"), std::string::npos);
    }
  }
}

TEST(Executor, SharedExecutorIsBounded) {
  EXPECT_GE(Executor::shared().thread_count(), 2u);
  EXPECT_LE(Executor::shared().thread_count(), 16u);
}

}  // namespace
}  // namespace bytestore::internal
