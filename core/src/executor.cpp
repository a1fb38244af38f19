#include "executor.h"

#include <bytestore/error.hpp>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <string_view>

#include "utf8_text.h"

namespace bytestore::internal {

Executor::Executor(std::size_t threads) {
  threads_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

Executor::~Executor() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  ready_.notify_all();
  for (std::thread& t : threads_) t.join();
}

std::size_t Executor::shared_size(const char* setting, unsigned hardware_threads) {
  if (!setting || !*setting) return std::clamp<std::size_t>(hardware_threads, 2, 16);
  const std::string_view text(setting);
  std::size_t count = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), count);
  if (error != std::errc() || end != text.data() + text.size() || count < 1 || count > kMaxThreads)
    throw Error(Errc::config, "BYTESTORE_ASYNC_THREADS='" + printable(text) +
                                  "' is not a thread count from 1 to " + std::to_string(kMaxThreads));
  return count;
}

std::size_t Executor::configured_size() {
  return shared_size(std::getenv("BYTESTORE_ASYNC_THREADS"), std::thread::hardware_concurrency());
}

Executor& Executor::shared() {
  // Config::open checked the setting; this may run on a plugin's thread,
  // where nothing may be thrown, so a setting changed since falls back.
  static Executor executor([] {
    try {
      return configured_size();
    } catch (const Error&) {
      return shared_size(nullptr, std::thread::hardware_concurrency());
    }
  }());
  return executor;
}

void Executor::post(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(task));
  }
  ready_.notify_one();
}

void Executor::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mutex_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to run
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task();
  }
}

}  // namespace bytestore::internal
