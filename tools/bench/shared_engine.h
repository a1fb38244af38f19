// Engines opened on first use and prefilled once per process, shared by
// every benchmark of one side; and the scratch directory their files live in.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "workload.h"

namespace bytestore::bench {

// A fresh directory for this process's stores: $BYTESTORE_BENCH_DIR if
// set, else one under the system temp directory.
const std::filesystem::path& scratch_directory();

// Closes every engine opened so far, then removes the scratch directory.
// Called once all benchmarks have run.
void close_engines_and_scratch();

// Registers a hook close_engines_and_scratch() runs.
void on_close(std::function<void()> close);

template <class E>
class SharedEngine {
 public:
  // `fill` writes the engine's starting data; without it, prefill() does.
  explicit SharedEngine(std::function<std::unique_ptr<E>()> open,
                        std::function<void(E&)> fill = {})
      : open_(std::move(open)), fill_(std::move(fill)) {}

  // The engine, opened and prefilled by whichever thread asks first.
  E& get() {
    std::call_once(opened_, [this] {
      engine_ = open_();
      if (fill_)
        fill_(*engine_);
      else
        prefill([this](const SetBatch& pairs) { engine_->mset(0, pairs); });
      on_close([this] { engine_.reset(); });
    });
    return *engine_;
  }

 private:
  std::function<std::unique_ptr<E>()> open_;
  std::function<void(E&)> fill_;
  std::once_flag opened_;
  std::unique_ptr<E> engine_;
};

}  // namespace bytestore::bench
