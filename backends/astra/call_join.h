// Ends a call made of many requests: runs `done` once, after the last
// part finishes, with the first failure (if any).
#pragma once

#include <exception>
#include <functional>
#include <memory>
#include <mutex>

namespace bytestore::astra {

class CallJoin {
 public:
  using Done = std::function<void(std::exception_ptr failure)>;

  // The caller holds one part until it has launched every request.
  static std::shared_ptr<CallJoin> start(Done done) {
    return std::shared_ptr<CallJoin>(new CallJoin(std::move(done)));
  }

  void add() {
    std::lock_guard lock(mutex_);
    ++outstanding_;
  }

  void finish(std::exception_ptr failure = nullptr) {
    Done done;
    {
      std::lock_guard lock(mutex_);
      if (failure && !failure_) failure_ = failure;
      if (--outstanding_ > 0) return;
      done = std::move(done_);
    }
    done(failure_);
  }

  // True once any part failed: later parts need not start.
  bool failed() const {
    std::lock_guard lock(mutex_);
    return failure_ != nullptr;
  }

 private:
  explicit CallJoin(Done done) : done_(std::move(done)) {}

  mutable std::mutex mutex_;
  int outstanding_ = 1;
  std::exception_ptr failure_;
  Done done_;
};

}  // namespace bytestore::astra
