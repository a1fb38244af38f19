// The connections of one store: opened on demand up to a limit, handed to
// one call at a time, dropped when lost; and the retry of whole calls.
#pragma once

#include <bytestore/error.hpp>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "connection.h"
#include "pg_error.h"

namespace bytestore::postgres {

class ConnectionPool {
 public:
  ConnectionPool(ConnectSettings settings, std::vector<StatementSpec> statements, std::size_t size,
                 std::uint64_t max_retries)
      : settings_(std::move(settings)), statements_(std::move(statements)), size_(size),
        max_retries_(max_retries) {}

  // Runs `work(connection)`; a lost connection, a server restart, a
  // serialization failure or a deadlock runs it again on a fresh
  // connection, up to max_retries times with a growing pause. `work` must
  // be idempotent.
  template <class Work>
  auto run(Work&& work) {
    for (std::uint64_t attempt = 0;; ++attempt) {
      std::unique_ptr<Connection> connection;
      try {
        connection = acquire();
        if constexpr (std::is_void_v<decltype(work(*connection))>) {
          work(*connection);
          release(std::move(connection));
          return;
        } else {
          auto result = work(*connection);
          release(std::move(connection));
          return result;
        }
      } catch (const PgError& e) {
        // A connection an error left healthy (a refused statement) serves
        // again; a lost one is dropped.
        if (connection) release(std::move(connection));
        if (!e.retryable() || attempt >= max_retries_) throw;
      } catch (...) {
        if (connection) release(std::move(connection));
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50) * (1 << std::min<std::uint64_t>(attempt, 5)));
    }
  }

  const std::string& shown() const { return settings_.shown; }

 private:
  std::unique_ptr<Connection> acquire();
  void release(std::unique_ptr<Connection> connection);
  void discard(std::unique_ptr<Connection> connection);

  ConnectSettings settings_;
  std::vector<StatementSpec> statements_;
  std::size_t size_;
  std::uint64_t max_retries_;
  std::mutex mutex_;
  std::condition_variable freed_;
  std::vector<std::unique_ptr<Connection>> idle_;
  std::size_t open_ = 0;  // idle and in use
};

}  // namespace bytestore::postgres
