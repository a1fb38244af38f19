// Data API commands over HttpTransport: envelopes, retries with backoff,
// and the mapping of failures to bytestore::Errc.
#pragma once

#include <boost/json.hpp>

#include <exception>
#include <functional>
#include <string>
#include <vector>

#include "connection_settings.h"
#include "http_transport.h"

namespace bytestore::astra {

// One entry of a response's `errors` array.
struct ApiError {
  std::string code;  // errorCode, e.g. DOCUMENT_ALREADY_EXISTS
  std::string message;
  std::string family;  // REQUEST | SERVER, empty from old servers
  std::string scope;   // e.g. DATABASE, DOCUMENT, SCHEMA; empty from old servers
  std::vector<std::string> document_ids;
};

// A parsed response envelope. Partial success is normal: `status` and
// `errors` may both be set.
struct CommandResult {
  boost::json::object data;
  boost::json::object status;
  std::vector<ApiError> errors;
};

// Parses a response body; throws std::invalid_argument if it is not an
// envelope (e.g. truncated).
CommandResult parse_envelope(std::string_view body);

// Throws the Error that stands for `result.errors[0]` of `command`, if any.
void raise_errors(const CommandResult& result, std::string_view command);

// Whether the server says this failure is safe to retry: the database
// timed out, was unreachable or could not finish (reported at HTTP 200).
// A write that timed out may still have been applied.
bool is_retryable_error(const ApiError& error);

// True when every error of `result` is retryable and it reports no
// per-document outcome (insertedIds, documentResponses): the command is sent
// again as a whole. An insert's per-document failures are left to the
// caller, which knows which documents to send again.
bool is_retryable_failure(const CommandResult& result);

// The first value of a command object's only member, e.g. "find".
std::string command_name(const boost::json::object& command);

class DataApiClient {
 public:
  // `failure` is null on success; then `result` holds the envelope.
  using Callback = std::function<void(std::exception_ptr failure, CommandResult result)>;

  struct Policy {
    unsigned max_retries = 4;
    std::chrono::milliseconds first_backoff{100};
    std::chrono::milliseconds max_backoff{5'000};
  };

  DataApiClient(ConnectionSettings settings, std::chrono::milliseconds request_timeout,
                std::size_t concurrency, Policy policy);

  // Sends `command` to the collection (or the keyspace), no earlier than
  // `delay` from now; `done` runs on the transport's loop thread. Transient
  // failures (timeouts, connection errors, HTTP 429/502/503/504, unreadable
  // bodies, retryable Data API errors) are retried with exponential backoff
  // and jitter: every command sent here is idempotent.
  void collection_command(const boost::json::object& command, Callback done,
                          std::chrono::milliseconds delay = {});
  void keyspace_command(const boost::json::object& command, Callback done);

  // The same, waiting for the result; throws on failure (not on `errors`).
  CommandResult collection_command_sync(const boost::json::object& command);
  CommandResult keyspace_command_sync(const boost::json::object& command);

  const ConnectionSettings& settings() const { return settings_; }
  const Policy& policy() const { return policy_; }

  // The wait before retry number `retry` (0-based): doubling from
  // first_backoff up to max_backoff, jittered over its upper half.
  std::chrono::milliseconds backoff(unsigned retry) const;

 private:
  struct Attempt;
  void start(const std::string& url, const boost::json::object& command, Callback done,
             std::chrono::milliseconds delay);
  void send(std::shared_ptr<Attempt> attempt, HttpTransport::Clock::time_point not_before);
  void on_response(std::shared_ptr<Attempt> attempt, HttpResponse response);

  ConnectionSettings settings_;
  Policy policy_;
  HttpTransport transport_;  // last: its loop stops before the rest goes
};

}  // namespace bytestore::astra
