#include "data_api_service.h"

#include <algorithm>
#include <iostream>
#include <vector>

#include "commands.h"
#include "json_values.h"

namespace bytestore::dataapi {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto part = path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!part.empty()) parts.push_back(part);
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return parts;
}

struct Route {
  std::string keyspace;
  std::string collection;
};

// /api/json/v1[/ks[/coll]] and /v1[/ks[/coll]].
std::optional<Route> route_of(const std::string& path) {
  auto parts = split_path(path);
  std::size_t prefix = 0;
  if (parts.size() >= 3 && parts[0] == "api" && parts[1] == "json" && parts[2] == "v1") prefix = 3;
  else if (!parts.empty() && parts[0] == "v1") prefix = 1;
  else return std::nullopt;
  if (parts.size() > prefix + 2) return std::nullopt;
  Route r;
  if (parts.size() > prefix) r.keyspace = parts[prefix];
  if (parts.size() > prefix + 1) r.collection = parts[prefix + 1];
  return r;
}

bool is_json_content_type(const std::string& value) {
  auto media = lower(value.substr(0, value.find(';')));
  const auto first = media.find_first_not_of(" \t");
  const auto last = media.find_last_not_of(" \t");
  return first != std::string::npos && media.substr(first, last - first + 1) == "application/json";
}

// The command name of a body {"name": {...}}, or "".
std::string command_name(const json::value& body) {
  if (!body.is_object() || body.get_object().size() != 1) return "";
  return std::string(body.get_object().begin()->key());
}

HttpReply json_reply(unsigned status, const json::value& body) {
  HttpReply reply;
  reply.status = status;
  reply.body = json::serialize(body);
  return reply;
}

HttpReply text_reply(unsigned status, std::string text) {
  HttpReply reply;
  reply.status = status;
  reply.content_type = "text/plain";
  reply.body = std::move(text);
  return reply;
}

}  // namespace

DataApiService::DataApiService(AccessOptions access, Knobs knobs)
    : access_(std::move(access)), knobs_(std::move(knobs)), rng_(std::random_device{}()) {
  faults_.reseed(knobs_.seed);
}

bool DataApiService::token_accepted(const std::optional<std::string>& token) const {
  if (!token) return false;
  if (*token == access_.token) return true;
  return access_.user && access_.password &&
         *token == "Cassandra:" + base64_encode(*access_.user) + ":" + base64_encode(*access_.password);
}

HttpReply DataApiService::error_reply(unsigned status, const ApiError& error) {
  return json_reply(status, json::object{{"errors", json::array{error_to_json(error, knobs_.version, rng_)}}});
}

HttpReply DataApiService::body_too_large(std::size_t limit) {
  auto reply = text_reply(413, "Request body is over the limit of " + std::to_string(limit) + " bytes");
  reply.close = true;
  const std::lock_guard lock(mutex_);
  stats_.count_request("", 0);
  stats_.count_response(reply.status, reply.body.size());
  if (knobs_.verbose) std::cerr << "data-api-server: request body over " << limit << " bytes -> 413" << std::endl;
  return reply;
}

HttpReply DataApiService::handle(const HttpRequest& request) {
  const std::string path = request.target.substr(0, request.target.find('?'));
  if (path.starts_with("/_test/")) {
    const std::lock_guard lock(mutex_);
    return handle_test_endpoint(path, request);
  }

  const auto route = route_of(path);
  if (!route) return text_reply(404, "No Data API resource at " + path);
  if (request.method != "POST") {
    auto reply = text_reply(405, "Data API commands are sent with POST");
    return reply;
  }
  boost::system::error_code parse_error;
  const auto body = json::parse(request.body, parse_error);
  const std::lock_guard lock(mutex_);
  const auto command = parse_error ? std::string() : command_name(body);
  stats_.count_request(command, request.body.size());

  const Fault fault = faults_.next(knobs_);
  if (fault != Fault::kNone) stats_.count_fault(fault_name(fault));
  HttpReply reply;
  switch (fault) {
    case Fault::kStatus429:
      reply = text_reply(429, "Too Many Requests (injected)");
      break;
    case Fault::kStatus502:
      reply = text_reply(502, "Bad Gateway (injected)");
      break;
    case Fault::kStatus503:
      reply = text_reply(503, "Service Unavailable (injected)");
      break;
    case Fault::kStatus504:
      reply = text_reply(504, "Gateway Timeout (injected)");
      break;
    case Fault::kTimeout:
      reply.action = ReplyAction::kHold;
      reply.hold = std::chrono::milliseconds(knobs_.timeout_hold_ms);
      break;
    case Fault::kReset:
      reply.action = ReplyAction::kReset;
      break;
    case Fault::kErrors200:
      reply = error_reply(200, errors::unexpected_server_error("injected failure"));
      break;
    case Fault::kDbTimeout:
    case Fault::kDbTimeoutApplied:
    case Fault::kDbUnavailable: {
      DatabaseFault db_fault;
      db_fault.kind = fault == Fault::kDbUnavailable ? DatabaseFault::Kind::kUnavailable : DatabaseFault::Kind::kTimeout;
      db_fault.applied = fault == Fault::kDbTimeoutApplied;
      reply = run(route->keyspace, route->collection, request, parse_error ? nullptr : &body, db_fault);
      break;
    }
    default:
      reply = run(route->keyspace, route->collection, request, parse_error ? nullptr : &body, std::nullopt);
      break;
  }
  if (fault == Fault::kTruncatedJson && reply.status == 200) reply.body.resize(reply.body.size() / 2);
  if (fault == Fault::kResetMidBody) reply.action = ReplyAction::kResetMidBody;
  reply.delay = std::chrono::milliseconds(knobs_.latency_ms);
  if (reply.action == ReplyAction::kRespond) stats_.count_response(reply.status, reply.body.size());
  if (knobs_.verbose) log(request, command, reply, fault);
  return reply;
}

HttpReply DataApiService::run(const std::string& keyspace, const std::string& collection, const HttpRequest& request,
                              const json::value* parsed, const std::optional<DatabaseFault>& db_fault) {
  if (!request.token || request.token->empty()) return error_reply(401, errors::missing_token());
  if (!token_accepted(request.token)) return error_reply(401, errors::bad_token());
  if (!is_json_content_type(request.content_type)) return error_reply(415, errors::unsupported_content_type());

  CommandContext ctx{store_, knobs_, rng_, keyspace, collection, DocumentLimits{}, db_fault};
  json::object body;
  unsigned status = 200;
  try {
    if (parsed == nullptr) throw errors::request_not_json("the body is not valid JSON");
    if (!parsed->is_object() || parsed->get_object().size() != 1)
      throw errors::request_structure_mismatch("the body must be an object with exactly one command");
    const auto& member = *parsed->get_object().begin();
    if (!member.value().is_object())
      throw errors::request_structure_mismatch("the command '" + std::string(member.key()) + "' must be an object");
    const auto response = run_command(ctx, std::string(member.key()), member.value().get_object());
    // The first error with a status of its own sets the response's, as the
    // real server does.
    for (const auto& e : response.errors)
      if (e.http_status != 200 && status == 200) status = e.http_status;
    body = response_envelope(response, knobs_.version, rng_);
  } catch (const ApiError& e) {
    status = e.http_status;
    body = json::object{{"errors", json::array{error_to_json(e, knobs_.version, rng_)}}};
  } catch (const std::exception& e) {
    body = json::object{
        {"errors", json::array{error_to_json(errors::unexpected_server_error(e.what()), knobs_.version, rng_)}}};
  }
  return json_reply(status, body);
}

HttpReply DataApiService::handle_test_endpoint(const std::string& path, const HttpRequest& request) {
  if (path == "/_test/stats" && request.method == "GET") return json_reply(200, stats_.to_json());
  if (path == "/_test/reset-stats" && request.method == "POST") {
    stats_.reset();
    return json_reply(200, json::object{{"ok", 1}});
  }
  if (path == "/_test/reset-data" && request.method == "POST") {
    store_.clear();
    return json_reply(200, json::object{{"ok", 1}});
  }
  if (path == "/_test/config" && (request.method == "GET" || request.method == "POST")) {
    if (request.method == "POST") {
      boost::system::error_code ec;
      const auto parsed = json::parse(request.body, ec);
      if (ec || !parsed.is_object()) return json_reply(400, json::object{{"error", "the body must be a JSON object"}});
      const auto& changes = parsed.get_object();
      Knobs next = knobs_;
      std::optional<Fault> fault;
      std::size_t count = 1;
      try {
        for (const auto& m : changes) {
          if (m.key() == "fault") {
            const auto name = m.value().is_string() ? std::string(m.value().get_string()) : std::string();
            fault = name == "none" ? std::optional<Fault>(Fault::kNone) : parse_fault(name);
            if (!fault)
              throw std::invalid_argument("'fault' must name a failure such as \"truncated_json\" or \"none\"");
          } else if (m.key() == "next") {
            if (!m.value().is_int64() || m.value().get_int64() < 0)
              throw std::invalid_argument("'next' must be a whole number >= 0");
            count = static_cast<std::size_t>(m.value().get_int64());
          } else {
            set_knob(next, m.key(), m.value());
          }
        }
        if (changes.contains("next") && !fault) throw std::invalid_argument("'next' needs a 'fault'");
      } catch (const std::invalid_argument& e) {
        return json_reply(400, json::object{{"error", e.what()}});
      }
      knobs_ = next;
      if (changes.contains("seed")) faults_.reseed(knobs_.seed);
      if (fault) faults_.schedule(*fault, count);
    }
    auto config = knobs_to_json(knobs_);
    config["scheduled"] = faults_.scheduled_json();
    return json_reply(200, config);
  }
  return text_reply(404, "No test endpoint " + request.method + " " + path);
}

void DataApiService::log(const HttpRequest& request, const std::string& command, const HttpReply& reply,
                         Fault fault) const {
  std::cerr << "data-api-server: " << request.method << ' ' << request.target << ' '
            << (command.empty() ? "-" : command) << " -> ";
  switch (reply.action) {
    case ReplyAction::kRespond:
      std::cerr << reply.status;
      break;
    case ReplyAction::kHold:
      std::cerr << "held " << reply.hold.count() << " ms";
      break;
    case ReplyAction::kReset:
      std::cerr << "reset";
      break;
    case ReplyAction::kResetMidBody:
      std::cerr << "reset mid-body";
      break;
  }
  std::cerr << " (" << request.body.size() << " B in, " << reply.body.size() << " B out";
  if (fault != Fault::kNone) std::cerr << ", injected " << fault_name(fault);
  std::cerr << ')' << std::endl;
}

}  // namespace bytestore::dataapi
