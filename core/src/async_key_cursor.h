// Serves an AsyncKeyCursor's page requests in order on the executor.
#pragma once

#include <bytestore/key_range.hpp>

#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace bytestore {

// Requests queue here; at most one executor task drains them at a time, so
// pages come back in request order without blocking an executor thread.
struct AsyncKeyCursor::State {
  explicit State(std::unique_ptr<KeyCursor> c) : cursor(std::move(c)) {}

  std::mutex mutex;
  std::unique_ptr<KeyCursor> cursor;
  std::deque<std::promise<std::vector<std::string>>> pending;
  bool draining = false;
  bool exhausted = false;
};

}  // namespace bytestore
