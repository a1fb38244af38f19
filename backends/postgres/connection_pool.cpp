#include "connection_pool.h"

namespace bytestore::postgres {

std::unique_ptr<Connection> ConnectionPool::acquire() {
  {
    std::unique_lock lock(mutex_);
    freed_.wait(lock, [&] { return !idle_.empty() || open_ < size_; });
    if (!idle_.empty()) {
      auto connection = std::move(idle_.back());
      idle_.pop_back();
      return connection;
    }
    ++open_;
  }
  try {
    return std::make_unique<Connection>(settings_, statements_);
  } catch (...) {
    std::lock_guard lock(mutex_);
    --open_;
    freed_.notify_one();
    throw;
  }
}

void ConnectionPool::release(std::unique_ptr<Connection> connection) {
  if (!connection->healthy()) return discard(std::move(connection));
  std::lock_guard lock(mutex_);
  idle_.push_back(std::move(connection));
  freed_.notify_one();
}

void ConnectionPool::discard(std::unique_ptr<Connection> connection) {
  if (!connection) return;
  connection.reset();
  std::lock_guard lock(mutex_);
  --open_;
  freed_.notify_one();
}

}  // namespace bytestore::postgres
