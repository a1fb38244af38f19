// The store's native async calls: one thread driving its own connections
// with libpq's non-blocking API (PQsendQueryPrepared, PQconsumeInput,
// poll), so a thousand pending calls hold no thousand threads. Each call
// is one prepared statement; a call that fails for a lost connection, a
// restart, a serialization failure or a deadlock is sent again on a fresh
// connection after a pause, up to max_retries times.
#pragma once

#include <bytestore/error.hpp>

#include <chrono>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "connection.h"
#include "pg_error.h"

namespace bytestore::postgres {

class AsyncLoop {
 public:
  struct Call {
    std::string statement;            // the prepared statement's name
    std::vector<std::string> params;  // binary, owned
    std::function<void(const PGresult*)> succeed;  // on the loop's thread, once
    std::function<void(std::exception_ptr)> fail;  // or this, once
    std::uint64_t attempt = 0;
    std::chrono::steady_clock::time_point not_before{};
  };

  AsyncLoop(ConnectSettings settings, std::vector<StatementSpec> statements, std::size_t connections,
            std::uint64_t max_retries);
  // Finishes every call already submitted, then stops the thread.
  ~AsyncLoop();
  AsyncLoop(const AsyncLoop&) = delete;
  AsyncLoop& operator=(const AsyncLoop&) = delete;

  void submit(Call call);

 private:
  struct Slot {
    std::unique_ptr<Connection> connection;  // opened when first needed
    std::optional<Call> call;                // the one in flight
    Result result;                           // its result, once read
    bool flushing = false;                   // output still to send
  };

  void run();
  void start(Slot& slot, Call call);
  void read(Slot& slot);
  void finish(Slot& slot);
  void failed(Slot& slot, const PgError& error);
  void retry_or_fail(Call call, const PgError& error);

  ConnectSettings settings_;
  std::vector<StatementSpec> statements_;
  std::uint64_t max_retries_;
  std::vector<Slot> slots_;
  std::deque<Call> waiting_;  // the loop's own: ready or pausing before a retry

  std::mutex mutex_;
  std::deque<Call> submitted_;  // handed over by submit()
  bool stopping_ = false;
  int wake_fd_ = -1;  // an eventfd submit() and the destructor write to
  std::thread thread_;
};

}  // namespace bytestore::postgres
