#include "data_api_client.h"

#include <bytestore/error.hpp>

#include <future>
#include <random>
#include <stdexcept>

namespace bytestore::astra {
namespace json = boost::json;

namespace {

std::string string_at(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

// From the Data API's errors.yaml: the DATABASE-scope errors it says are
// safe to retry. UNKNOWN_KEYSPACE is among them only in that scope (the
// database lost sight of it); in scope SCHEMA it means what it says.
constexpr std::string_view kRetryableErrorCodes[] = {
    "COUNT_READ_FAILED",      "FAILED_COMPARE_AND_SET", "FAILED_CONCURRENT_OPERATIONS",
    "FAILED_READ_REQUEST",    "FAILED_TO_CONNECT_TO_DATABASE", "FAILED_TO_READ_METADATA",
    "FAILED_TRUNCATION",      "FAILED_WRITE_REQUEST",   "TIMEOUT_READING_DATA",
    "TIMEOUT_WRITING_DATA",   "UNAVAILABLE_DATABASE",
};

bool retryable_status(long status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

// Transfer failures worth another attempt: the request may not have
// reached the server, or its answer did not come back.
bool retryable_transfer(CURLcode code) {
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

// A short, single-line excerpt of a response body for a message.
std::string excerpt(std::string_view body) {
  std::string out(body.substr(0, 200));
  for (char& c : out)
    if (c == '\n' || c == '\r') c = ' ';
  return body.size() > 200 ? out + "..." : out;
}

// A transfer that cannot succeed by trying again, explained: above all a
// certificate the client does not trust.
std::string transfer_failure(const HttpResponse& response, const ConnectionSettings& settings) {
  switch (response.transfer) {
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CACERT_BADFILE:
      return "the server's TLS certificate was not trusted (" + response.transfer_error + "); " +
             (settings.ca_file.empty()
                  ? std::string("set ca_file to the PEM bundle of the CA that signed it")
                  : "ca_file '" + settings.ca_file + "'" +
                        (settings.system_ca ? " and the system store do" : " does") +
                        " not hold the CA that signed it");
    default:
      return response.transfer_error;
  }
}

}  // namespace

CommandResult parse_envelope(std::string_view body) {
  json::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) throw std::invalid_argument("response is not a JSON object");
  json::object& root = parsed.as_object();
  CommandResult result;
  if (auto* data = root.if_contains("data"); data && data->is_object()) result.data = data->as_object();
  if (auto* status = root.if_contains("status"); status && status->is_object())
    result.status = status->as_object();
  if (auto* errors = root.if_contains("errors"); errors && errors->is_array()) {
    for (const json::value& e : errors->as_array()) {
      if (!e.is_object()) continue;
      ApiError error;
      error.code = string_at(e.as_object(), "errorCode");
      error.message = string_at(e.as_object(), "message");
      error.family = string_at(e.as_object(), "family");
      error.scope = string_at(e.as_object(), "scope");
      if (auto* ids = e.as_object().if_contains("documentIds"); ids && ids->is_array())
        for (const json::value& id : ids->as_array())
          if (id.is_string()) error.document_ids.emplace_back(id.get_string());
      result.errors.push_back(std::move(error));
    }
  }
  return result;
}

void raise_errors(const CommandResult& result, std::string_view command) {
  if (result.errors.empty()) return;
  const ApiError& e = result.errors.front();
  const std::string text = std::string(command) + ": Data API error " +
                           (e.code.empty() ? "(no errorCode)" : e.code) + ": " + e.message +
                           (result.errors.size() > 1
                                ? " (and " + std::to_string(result.errors.size() - 1) + " more)"
                                : "");
  Errc code = Errc::unavailable;
  // Older and newer servers name a missing collection or keyspace differently.
  if (e.code == "COLLECTION_NOT_EXIST" || e.code == "UNKNOWN_COLLECTION_OR_TABLE" ||
      e.code == "KEYSPACE_DOES_NOT_EXIST" || e.code == "UNKNOWN_KEYSPACE" ||
      e.code == "EXISTING_COLLECTION_DIFFERENT_SETTINGS" || e.code == "TOO_MANY_COLLECTIONS" ||
      e.code == "TOO_MANY_INDEXES_FOR_COLLECTION")
    code = Errc::config;
  else if (e.code == "UNAUTHENTICATED_REQUEST" || e.code == "UNAUTHORIZED")
    code = Errc::unauthorized;
  else if (e.code == "SHRED_DOC_LIMIT_VIOLATION" || e.code.find("LIMIT") != std::string::npos)
    code = Errc::limit_exceeded;
  throw Error(code, text);
}

bool is_retryable_error(const ApiError& error) {
  if (error.code == "UNKNOWN_KEYSPACE") return error.family == "SERVER" && error.scope == "DATABASE";
  for (std::string_view retryable : kRetryableErrorCodes)
    if (error.code == retryable) return true;
  return false;
}

bool is_retryable_failure(const CommandResult& result) {
  if (result.errors.empty() || result.status.contains("documentResponses") ||
      result.status.contains("insertedIds"))
    return false;
  for (const ApiError& e : result.errors)
    if (!is_retryable_error(e)) return false;
  return true;
}

std::string command_name(const json::object& command) {
  return command.empty() ? std::string("?") : std::string(command.begin()->key());
}

struct DataApiClient::Attempt {
  std::string url;
  std::string body;
  std::string command;
  Callback done;
  unsigned retries = 0;
  std::string last_problem;
};

DataApiClient::DataApiClient(ConnectionSettings settings, std::chrono::milliseconds request_timeout,
                             std::size_t concurrency, Policy policy)
    : settings_(std::move(settings)),
      policy_(policy),
      transport_(HttpTransport::Settings{
          {"Token: " + settings_.token, "Content-Type: application/json",
           "Accept: application/json", "User-Agent: " + settings_.user_agent},
          request_timeout,
          std::max<std::size_t>(1, concurrency),
          settings_.ca_file,
          settings_.system_ca}) {}

void DataApiClient::collection_command(const json::object& command, Callback done,
                                       std::chrono::milliseconds delay) {
  start(settings_.collection_url(), command, std::move(done), delay);
}

void DataApiClient::keyspace_command(const json::object& command, Callback done) {
  start(settings_.keyspace_url(), command, std::move(done), {});
}

void DataApiClient::start(const std::string& url, const json::object& command, Callback done,
                          std::chrono::milliseconds delay) {
  auto attempt = std::make_shared<Attempt>();
  attempt->url = url;
  attempt->body = json::serialize(command);
  attempt->command = command_name(command);
  attempt->done = std::move(done);
  send(std::move(attempt), delay.count() > 0 ? HttpTransport::Clock::now() + delay
                                             : HttpTransport::Clock::time_point{});
}

namespace {

CommandResult wait_for(const std::function<void(DataApiClient::Callback)>& start) {
  std::promise<CommandResult> promise;
  std::future<CommandResult> result = promise.get_future();
  start([&promise](std::exception_ptr failure, CommandResult r) {
    if (failure)
      promise.set_exception(failure);
    else
      promise.set_value(std::move(r));
  });
  return result.get();
}

}  // namespace

CommandResult DataApiClient::collection_command_sync(const json::object& command) {
  return wait_for([&](Callback done) { collection_command(command, std::move(done)); });
}

CommandResult DataApiClient::keyspace_command_sync(const json::object& command) {
  return wait_for([&](Callback done) { keyspace_command(command, std::move(done)); });
}

void DataApiClient::send(std::shared_ptr<Attempt> attempt, HttpTransport::Clock::time_point not_before) {
  const std::string& url = attempt->url;
  const std::string& body = attempt->body;
  transport_.post(url, body,
                  [this, attempt](HttpResponse response) { on_response(attempt, std::move(response)); },
                  not_before);
}

std::chrono::milliseconds DataApiClient::backoff(unsigned retry) const {
  thread_local std::minstd_rand random{std::random_device{}()};
  auto delay = policy_.first_backoff * (1LL << std::min(retry, 16u));
  delay = std::min<std::chrono::milliseconds>(delay, policy_.max_backoff);
  // Full jitter over the upper half, so retries of many clients spread out.
  std::uniform_int_distribution<long long> spread(delay.count() / 2, delay.count());
  return std::chrono::milliseconds(spread(random));
}

void DataApiClient::on_response(std::shared_ptr<Attempt> attempt, HttpResponse response) {
  auto fail = [&](Errc code, const std::string& message) {
    attempt->done(std::make_exception_ptr(Error(code, attempt->command + ": " + message)),
                  CommandResult{});
  };
  std::string problem;
  if (response.transfer != CURLE_OK) {
    if (!retryable_transfer(response.transfer)) {
      fail(Errc::unavailable, transfer_failure(response, settings_));
      return;
    }
    problem = response.transfer_error;
  } else if (response.status == 401 || response.status == 403) {
    fail(Errc::unauthorized, "the Data API refused the credentials (HTTP " +
                                 std::to_string(response.status) + "); check token or username/password");
    return;
  } else if (retryable_status(response.status)) {
    problem = "HTTP " + std::to_string(response.status);
  } else if (response.status != 200 && response.status != 201) {
    fail(response.status == 413 ? Errc::limit_exceeded : Errc::unavailable,
         "HTTP " + std::to_string(response.status) + ": " + excerpt(response.body));
    return;
  } else {
    try {
      CommandResult result = parse_envelope(response.body);
      if (!is_retryable_failure(result)) {
        attempt->done(nullptr, std::move(result));
        return;
      }
      problem = "Data API error " + result.errors.front().code + ": " + result.errors.front().message;
    } catch (const std::invalid_argument&) {
      problem = "unreadable response (" + std::to_string(response.body.size()) + " bytes: " +
                excerpt(response.body) + ")";
    }
  }
  if (attempt->retries >= policy_.max_retries) {
    fail(Errc::unavailable, "gave up after " + std::to_string(attempt->retries + 1) +
                                " attempts; last: " + problem);
    return;
  }
  attempt->last_problem = problem;
  const auto delay = backoff(attempt->retries++);
  send(std::move(attempt), HttpTransport::Clock::now() + delay);
}

}  // namespace bytestore::astra
