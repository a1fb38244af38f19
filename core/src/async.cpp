// The default async forms: the sync calls, run on the shared executor.
#include <bytestore/byte_store.hpp>

#include "async_key_cursor.h"
#include "executor.h"

namespace bytestore {
namespace {

using internal::Executor;

void drain(const std::shared_ptr<AsyncKeyCursor::State>& state) {
  for (;;) {
    std::promise<std::vector<std::string>> request;
    bool exhausted;
    {
      std::lock_guard lock(state->mutex);
      if (state->pending.empty()) {
        state->draining = false;
        return;
      }
      request = std::move(state->pending.front());
      state->pending.pop_front();
      exhausted = state->exhausted;
    }
    // Only this task touches the cursor while draining is set.
    try {
      std::vector<std::string> page;
      if (!exhausted && !state->cursor->next_page(page)) {
        std::lock_guard lock(state->mutex);
        state->exhausted = true;
      }
      request.set_value(std::move(page));
    } catch (...) {
      request.set_exception(std::current_exception());
    }
  }
}

}  // namespace

std::future<std::vector<std::string>> AsyncKeyCursor::next_page() {
  std::promise<std::vector<std::string>> request;
  std::future<std::vector<std::string>> page = request.get_future();
  bool start;
  {
    std::lock_guard lock(state_->mutex);
    state_->pending.push_back(std::move(request));
    start = !state_->draining;
    state_->draining = true;
  }
  if (start) Executor::shared().post([state = state_] { drain(state); });
  return page;
}

std::future<std::vector<std::optional<Bytes>>> ByteStore::amget(std::vector<std::string> keys) {
  return Executor::shared().submit([this, keys = std::move(keys)] { return mget(keys); });
}

std::future<void> ByteStore::amset(std::vector<KeyValue> pairs) {
  return Executor::shared().submit([this, pairs = std::move(pairs)] { mset(pairs); });
}

std::future<void> ByteStore::amdelete(std::vector<std::string> keys) {
  return Executor::shared().submit([this, keys = std::move(keys)] { mdelete(keys); });
}

AsyncKeyCursor ByteStore::ayield_keys(std::string prefix) {
  return AsyncKeyCursor(std::make_shared<AsyncKeyCursor::State>(scan(prefix)));
}

}  // namespace bytestore
