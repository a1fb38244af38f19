// The one bounded thread pool that runs async calls of stores without
// native async. Nothing spawns a thread per call.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

namespace bytestore::internal {

class Executor {
 public:
  explicit Executor(std::size_t threads);
  ~Executor();  // runs what is queued, then joins
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;

  // The process-wide executor, started on first use with
  // max(2, hardware threads) threads, at most 16.
  static Executor& shared();

  // Queues `task` (FIFO); its result or exception arrives in the future.
  template <class F>
  auto submit(F task) -> std::future<std::invoke_result_t<F&>> {
    using R = std::invoke_result_t<F&>;
    auto packaged = std::make_shared<std::packaged_task<R()>>(std::move(task));
    std::future<R> result = packaged->get_future();
    post([packaged] { (*packaged)(); });
    return result;
  }

  // Queues a task that reports its own outcome; it must not throw.
  void post(std::function<void()> task);

  std::size_t thread_count() const { return threads_.size(); }

 private:
  void run();

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace bytestore::internal
