#include "connection_pool.h"

namespace bytestore::sqlite {

ConnectionPool::ConnectionPool(ConnectionSettings settings, std::size_t capacity)
    : settings_(std::move(settings)), capacity_(capacity) {}

ConnectionPool::Lease ConnectionPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    returned_.wait(lock, [&] { return !idle_.empty() || opened_ < capacity_; });
    if (!idle_.empty()) {
      std::unique_ptr<Connection> connection = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(connection));
    }
    ++opened_;  // reserve the slot; opening happens outside the lock
  }
  try {
    return Lease(*this, std::make_unique<Connection>(settings_));
  } catch (...) {
    std::lock_guard lock(mutex_);
    --opened_;
    returned_.notify_one();
    throw;
  }
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back(std::move(connection));
  }
  returned_.notify_one();
}

}  // namespace bytestore::sqlite
