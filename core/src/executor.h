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
  // shared_size(getenv("BYTESTORE_ASYNC_THREADS"), hardware threads) threads.
  static Executor& shared();

  // `setting` (BYTESTORE_ASYNC_THREADS: a count from 1 to kMaxThreads) when
  // given, else the hardware threads clamped to 2..16. Throws
  // Error(config) for a setting that is not such a count.
  static std::size_t shared_size(const char* setting, unsigned hardware_threads);
  // shared_size() of this process's environment and hardware; run by
  // Config::open so a bad setting fails there, with a config error.
  static std::size_t configured_size();
  static constexpr std::size_t kMaxThreads = 256;

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
