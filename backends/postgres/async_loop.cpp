#include "async_loop.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "pg_error.h"

namespace bytestore::postgres {
namespace {

using Clock = std::chrono::steady_clock;

}  // namespace

AsyncLoop::AsyncLoop(ConnectSettings settings, std::vector<StatementSpec> statements, std::size_t connections,
                     std::uint64_t max_retries)
    : settings_(std::move(settings)), statements_(std::move(statements)), max_retries_(max_retries),
      slots_(connections) {
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (wake_fd_ < 0) throw Error(Errc::internal, "eventfd failed for the postgres store's async calls");
  thread_ = std::thread([this] { run(); });
}

AsyncLoop::~AsyncLoop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  const std::uint64_t one = 1;
  (void)::write(wake_fd_, &one, sizeof one);
  thread_.join();
  ::close(wake_fd_);
}

void AsyncLoop::submit(Call call) {
  {
    std::lock_guard lock(mutex_);
    submitted_.push_back(std::move(call));
  }
  const std::uint64_t one = 1;
  (void)::write(wake_fd_, &one, sizeof one);
}

void AsyncLoop::run() {
  std::vector<pollfd> fds;
  std::vector<Slot*> polled;
  for (;;) {
    bool stopping;
    {
      std::lock_guard lock(mutex_);
      for (Call& call : submitted_) waiting_.push_back(std::move(call));
      submitted_.clear();
      stopping = stopping_;
    }
    // Idle connections take the calls that are ready.
    const auto now = Clock::now();
    for (Slot& slot : slots_) {
      if (slot.call) continue;
      const auto ready = std::find_if(waiting_.begin(), waiting_.end(), [&](const Call& c) { return c.not_before <= now; });
      if (ready == waiting_.end()) break;
      Call call = std::move(*ready);
      waiting_.erase(ready);
      start(slot, std::move(call));
    }
    const bool busy = std::any_of(slots_.begin(), slots_.end(), [](const Slot& s) { return s.call.has_value(); });
    if (stopping && !busy && waiting_.empty()) return;

    fds.assign(1, pollfd{wake_fd_, POLLIN, 0});
    polled.assign(1, nullptr);
    for (Slot& slot : slots_) {
      if (!slot.call) continue;
      fds.push_back({PQsocket(slot.connection->raw()), static_cast<short>(POLLIN | (slot.flushing ? POLLOUT : 0)), 0});
      polled.push_back(&slot);
    }
    // Sleep until a socket, a submit, or the first retry's pause is over.
    int timeout = -1;
    for (const Call& c : waiting_) {
      const auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(c.not_before - now).count() + 1;
      timeout = timeout < 0 ? static_cast<int>(std::max<long long>(wait, 0))
                            : std::min(timeout, static_cast<int>(std::max<long long>(wait, 0)));
    }
    if (::poll(fds.data(), fds.size(), timeout) < 0 && errno != EINTR) continue;
    if (fds[0].revents & POLLIN) {
      std::uint64_t count;
      (void)::read(wake_fd_, &count, sizeof count);
    }
    for (std::size_t i = 1; i < fds.size(); ++i) {
      Slot& slot = *polled[i];
      if (!slot.call || fds[i].revents == 0) continue;
      if (slot.flushing && (fds[i].revents & POLLOUT)) {
        const int rc = PQflush(slot.connection->raw());
        if (rc < 0) {
          failed(slot, error_of(slot.connection->raw(), nullptr, "sending a statement", settings_.shown));
          continue;
        }
        slot.flushing = rc == 1;
      }
      if (fds[i].revents & (POLLIN | POLLERR | POLLHUP)) read(slot);
    }
  }
}

void AsyncLoop::start(Slot& slot, Call call) {
  try {
    if (!slot.connection || !slot.connection->healthy()) {
      slot.connection.reset();
      // Connecting blocks this thread (up to connect_timeout); the calls
      // waiting behind it would wait for the connection anyway.
      slot.connection = std::make_unique<Connection>(settings_, statements_);
      PQsetnonblocking(slot.connection->raw(), 1);
    }
  } catch (const PgError& e) {
    slot.connection.reset();
    retry_or_fail(std::move(call), e);
    return;
  } catch (...) {
    slot.connection.reset();
    call.fail(std::current_exception());
    return;
  }
  std::vector<const char*> data;
  std::vector<int> lengths, formats;
  for (const std::string& p : call.params) {
    data.push_back(p.data());
    lengths.push_back(static_cast<int>(p.size()));
    formats.push_back(1);
  }
  PGconn* conn = slot.connection->raw();
  slot.call = std::move(call);
  if (!PQsendQueryPrepared(conn, slot.call->statement.c_str(), static_cast<int>(data.size()), data.data(),
                           lengths.data(), formats.data(), 1)) {
    failed(slot, error_of(conn, nullptr, "sending a statement", settings_.shown));
    return;
  }
  const int rc = PQflush(conn);
  if (rc < 0) return failed(slot, error_of(conn, nullptr, "sending a statement", settings_.shown));
  slot.flushing = rc == 1;
}

void AsyncLoop::read(Slot& slot) {
  PGconn* conn = slot.connection->raw();
  if (!PQconsumeInput(conn)) return failed(slot, error_of(conn, nullptr, "a statement", settings_.shown));
  while (!PQisBusy(conn)) {
    PGresult* next = PQgetResult(conn);
    if (!next) return finish(slot);
    slot.result.reset(next);  // one statement: one result, then none
  }
}

void AsyncLoop::finish(Slot& slot) {
  Call call = std::move(*slot.call);
  slot.call.reset();
  Result result = std::move(slot.result);
  const ExecStatusType status = result ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
  if (status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK) {
    try {
      call.succeed(result.get());
    } catch (...) {
      call.fail(std::current_exception());
    }
    return;
  }
  retry_or_fail(std::move(call), error_of(slot.connection->raw(), result.get(), "a statement", settings_.shown));
}

void AsyncLoop::failed(Slot& slot, const PgError& error) {
  Call call = std::move(*slot.call);
  slot.call.reset();
  slot.result.reset();
  slot.connection.reset();  // lost, or mid-statement: never reused
  retry_or_fail(std::move(call), error);
}

void AsyncLoop::retry_or_fail(Call call, const PgError& error) {
  if (!error.retryable() || call.attempt >= max_retries_) {
    call.fail(std::make_exception_ptr(error));
    return;
  }
  call.not_before = Clock::now() + std::chrono::milliseconds(50) * (1 << std::min<std::uint64_t>(call.attempt, 5));
  ++call.attempt;
  waiting_.push_back(std::move(call));
}

}  // namespace bytestore::postgres
