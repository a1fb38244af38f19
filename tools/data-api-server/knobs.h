// The server's behaviour knobs: set from command-line flags at start and
// changeable while running through POST /_test/config. Flag --latency-ms is
// key "latency_ms" in the JSON, and so on for every knob.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server_version.h"

namespace bytestore::dataapi {

namespace json = boost::json;

// A failure the server can inject instead of (or on top of) an answer.
enum class Fault {
  kNone,
  kStatus429,      // HTTP 429, command not run
  kStatus502,      // HTTP 502, command not run
  kStatus503,      // HTTP 503, command not run
  kStatus504,      // HTTP 504, command not run
  kTimeout,        // no answer for timeout_hold_ms, then the connection closes; command not run
  kReset,          // the connection closes at once, no answer; command not run
  kResetMidBody,   // command run, headers and half the body sent, then the connection closes
  kTruncatedJson,  // command run, HTTP 200 with the first half of the JSON body
  kErrors200,      // HTTP 200 with errors [UNEXPECTED_SERVER_ERROR]; command not run
  kDbTimeout,         // HTTP 200, TIMEOUT_WRITING_DATA / TIMEOUT_READING_DATA; command not run
  kDbTimeoutApplied,  // the same answer, but the command ran: its writes landed
  kDbUnavailable,     // HTTP 200, UNAVAILABLE_DATABASE; command not run
};

// "429", "502", "503", "504", "timeout", "reset", "reset_mid_body",
// "truncated_json", "errors_200", "db_timeout", "db_timeout_applied",
// "db_unavailable".
std::optional<Fault> parse_fault(std::string_view name);
std::string fault_name(Fault fault);

struct Knobs {
  int latency_ms = 0;           // added to every Data API request, asynchronously
  double fail_rate = 0;         // 0..1: fraction of requests failed with one of fail_modes
  std::vector<Fault> fail_modes = {Fault::kStatus429, Fault::kStatus503};
  int timeout_hold_ms = 60000;  // how long a "timeout" holds the request
  ServerVersion version;        // the real server release copied; "legacy": the oldest
  std::size_t max_insert_many = 100;
  std::optional<std::size_t> page_size;  // none: the default of `version`
  std::size_t max_in_values = 100;
  std::size_t max_filter_expressions = 64;
  std::size_t max_delete_per_call = 20;  // deleteMany and updateMany
  std::size_t max_count = 1000;          // countDocuments
  std::size_t max_collections = 5;       // per database (all keyspaces); 0: no limit
  std::size_t max_indexes = 100;         // indexes available per database; 0: no limit
  std::size_t indexes_per_collection = 10;  // what a new collection needs of them
  std::optional<std::uint64_t> seed;     // makes the failure draw deterministic
  bool verbose = false;                  // one line per request on stderr

  // Documents per find page: page_size when set, else the server's default.
  std::size_t find_page_size() const;
};

// Sets the knob `key` (JSON spelling, e.g. "latency_ms") from `value`.
// Numbers and booleans may also come as strings, fail_modes as an array or
// a comma-separated string. Throws std::invalid_argument naming the knob.
void set_knob(Knobs& knobs, std::string_view key, const json::value& value);
bool is_knob(std::string_view key);

json::object knobs_to_json(const Knobs& knobs);

}  // namespace bytestore::dataapi
