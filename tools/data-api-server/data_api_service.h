// The server's request handling, apart from the network: routes a request
// to the Data API or to the test-only /_test endpoints, checks the token
// and content type, injects failures, runs the command and says how to
// answer. Safe to call from several I/O threads: requests are parsed in
// parallel, everything after that runs one request at a time.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include "api_error.h"
#include "database_fault.h"
#include "document_store.h"
#include "fault_injector.h"
#include "knobs.h"
#include "request_stats.h"

namespace bytestore::dataapi {

struct HttpRequest {
  std::string method;  // "POST", "GET", ...
  std::string target;  // path and query
  std::string content_type;
  std::optional<std::string> token;  // the Token (or X-Cassandra-Token) header
  std::string body;
};

enum class ReplyAction {
  kRespond,       // send the response
  kHold,          // send nothing for `hold`, then close the connection
  kReset,         // close the connection at once, sending nothing
  kResetMidBody,  // send the headers and half the body, then close
};

struct HttpReply {
  unsigned status = 200;
  std::string content_type = "application/json";
  std::string body;
  ReplyAction action = ReplyAction::kRespond;
  std::chrono::milliseconds delay{0};  // before acting
  std::chrono::milliseconds hold{0};
  bool close = false;  // close the connection after answering
};

struct AccessOptions {
  std::string token = "test-token";
  std::optional<std::string> user;  // with password: also accept "Cassandra:b64(user):b64(password)"
  std::optional<std::string> password;
};

class DataApiService {
 public:
  DataApiService(AccessOptions access, Knobs knobs);

  HttpReply handle(const HttpRequest& request);
  // The answer to a request whose body is over the size limit.
  HttpReply body_too_large(std::size_t limit);

 private:
  HttpReply handle_test_endpoint(const std::string& path, const HttpRequest& request);
  // `parsed` is the body as JSON, nullptr when it is not JSON; `db_fault`
  // an injected database failure.
  HttpReply run(const std::string& keyspace, const std::string& collection, const HttpRequest& request,
                const boost::json::value* parsed, const std::optional<DatabaseFault>& db_fault);
  bool token_accepted(const std::optional<std::string>& token) const;
  HttpReply error_reply(unsigned status, const ApiError& error);
  void log(const HttpRequest& request, const std::string& command, const HttpReply& reply, Fault fault) const;

  // Commands run one at a time, as their shared state needs; only parsing
  // a request's JSON, the largest part of small commands, runs beside them.
  std::mutex mutex_;
  AccessOptions access_;
  Knobs knobs_;
  DocumentStore store_;
  FaultInjector faults_;
  RequestStats stats_;
  std::mt19937_64 rng_;  // error ids and generated _id values; apart from the failure draw
};

}  // namespace bytestore::dataapi
