// A bounded set of connections to one database, shared by every thread
// using a store. Thread-safe.
#pragma once

#include "connection.h"

#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace bytestore::sqlite {

class ConnectionPool {
 public:
  // Connections are opened on demand, at most `capacity` of them.
  ConnectionPool(ConnectionSettings settings, std::size_t capacity);

  // A connection lent to one thread, returned to the pool when destroyed.
  class Lease {
   public:
    Lease(ConnectionPool& pool, std::unique_ptr<Connection> connection)
        : pool_(&pool), connection_(std::move(connection)) {}
    Lease(Lease&& other) noexcept = default;
    Lease& operator=(Lease&&) = delete;
    ~Lease() {
      if (connection_) pool_->release(std::move(connection_));
    }
    Connection& operator*() const { return *connection_; }
    Connection* operator->() const { return connection_.get(); }

   private:
    ConnectionPool* pool_;
    std::unique_ptr<Connection> connection_;
  };

  // An idle connection, a new one while under capacity, or else the next
  // one returned. Throws bytestore::Error if a new one cannot be opened.
  Lease acquire();

  const ConnectionSettings& settings() const { return settings_; }

 private:
  void release(std::unique_ptr<Connection> connection);

  const ConnectionSettings settings_;
  const std::size_t capacity_;
  std::mutex mutex_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t opened_ = 0;  // idle plus lent
};

}  // namespace bytestore::sqlite
