#include "knobs.h"

#include <array>
#include <stdexcept>
#include <utility>

namespace bytestore::dataapi {
namespace {

constexpr std::array<std::pair<std::string_view, Fault>, 12> kFaultNames = {{
    {"429", Fault::kStatus429},
    {"502", Fault::kStatus502},
    {"503", Fault::kStatus503},
    {"504", Fault::kStatus504},
    {"timeout", Fault::kTimeout},
    {"reset", Fault::kReset},
    {"reset_mid_body", Fault::kResetMidBody},
    {"truncated_json", Fault::kTruncatedJson},
    {"errors_200", Fault::kErrors200},
    {"db_timeout", Fault::kDbTimeout},
    {"db_timeout_applied", Fault::kDbTimeoutApplied},
    {"db_unavailable", Fault::kDbUnavailable},
}};

constexpr std::array<std::string_view, 17> kKnobNames = {
    "latency_ms", "fail_rate",       "fail_modes",          "timeout_hold_ms", "legacy", "server_version",
    "max_insert_many", "page_size",  "max_in_values", "max_filter_expressions",       "max_delete_per_call",
    "max_count",  "max_collections", "max_indexes", "indexes_per_collection", "seed",                "verbose"};

[[noreturn]] void invalid(std::string_view key, const std::string& why) {
  throw std::invalid_argument("knob '" + std::string(key) + "': " + why);
}

double number_of(std::string_view key, const json::value& v) {
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  if (v.is_double()) return v.get_double();
  if (v.is_string()) {
    const std::string text(v.get_string());
    try {
      std::size_t used = 0;
      const double d = std::stod(text, &used);
      if (used == text.size()) return d;
    } catch (const std::exception&) {
    }
  }
  invalid(key, "expected a number");
}

std::uint64_t count_of(std::string_view key, const json::value& v, std::uint64_t min) {
  if (v.is_uint64()) return v.get_uint64();
  const double d = number_of(key, v);
  if (d < static_cast<double>(min) || d != static_cast<double>(static_cast<std::uint64_t>(d)) || d > 1e15)
    invalid(key, "expected a whole number >= " + std::to_string(min));
  return static_cast<std::uint64_t>(d);
}

bool bool_of(std::string_view key, const json::value& v) {
  if (v.is_bool()) return v.get_bool();
  if (v.is_string() && (v.get_string() == "true" || v.get_string() == "1")) return true;
  if (v.is_string() && (v.get_string() == "false" || v.get_string() == "0")) return false;
  invalid(key, "expected true or false");
}

std::vector<Fault> faults_of(std::string_view key, const json::value& v) {
  std::vector<std::string> names;
  if (v.is_array()) {
    for (const auto& e : v.get_array()) {
      if (e.is_string()) names.emplace_back(e.get_string());
      else if (e.is_int64()) names.push_back(std::to_string(e.get_int64()));
      else invalid(key, "expected names of failures");
    }
  } else if (v.is_string()) {
    std::string_view text = v.get_string();
    while (!text.empty()) {
      const auto comma = text.find(',');
      if (auto name = text.substr(0, comma); !name.empty()) names.emplace_back(name);
      if (comma == std::string_view::npos) break;
      text.remove_prefix(comma + 1);
    }
  } else if (v.is_int64()) {
    names.push_back(std::to_string(v.get_int64()));
  } else {
    invalid(key, "expected a list such as \"429,503,timeout,reset\"");
  }
  std::vector<Fault> faults;
  for (const auto& name : names) {
    const auto fault = parse_fault(name);
    if (!fault) invalid(key, "unknown failure '" + name + "'");
    faults.push_back(*fault);
  }
  return faults;
}

}  // namespace

std::optional<Fault> parse_fault(std::string_view name) {
  for (const auto& [n, f] : kFaultNames)
    if (n == name) return f;
  return std::nullopt;
}

std::string fault_name(Fault fault) {
  for (const auto& [n, f] : kFaultNames)
    if (f == fault) return std::string(n);
  return "none";
}

// Servers from 1.0.47 page finds by 50, older ones by 20.
std::size_t Knobs::find_page_size() const {
  return page_size.value_or(version.at_least(ServerVersion::kPagesOf50) ? 50 : 20);
}

bool is_knob(std::string_view key) {
  for (const auto& name : kKnobNames)
    if (name == key) return true;
  return false;
}

void set_knob(Knobs& knobs, std::string_view key, const json::value& value) {
  if (key == "latency_ms") {
    knobs.latency_ms = static_cast<int>(count_of(key, value, 0));
  } else if (key == "fail_rate") {
    const double rate = number_of(key, value);
    if (rate < 0 || rate > 1) invalid(key, "expected a fraction between 0 and 1");
    knobs.fail_rate = rate;
  } else if (key == "fail_modes") {
    knobs.fail_modes = faults_of(key, value);
  } else if (key == "timeout_hold_ms") {
    knobs.timeout_hold_ms = static_cast<int>(count_of(key, value, 0));
  } else if (key == "legacy") {
    knobs.version.patch = bool_of(key, value) ? ServerVersion::kOldest : ServerVersion::kNewest;
  } else if (key == "server_version") {
    const auto version = value.is_string() ? ServerVersion::parse(value.get_string()) : std::nullopt;
    if (!version) invalid(key, "expected a release such as \"1.0.35\"");
    knobs.version = *version;
  } else if (key == "max_insert_many") {
    knobs.max_insert_many = count_of(key, value, 1);
  } else if (key == "page_size") {
    if (value.is_null()) knobs.page_size.reset();
    else knobs.page_size = count_of(key, value, 1);
  } else if (key == "max_in_values") {
    knobs.max_in_values = count_of(key, value, 1);
  } else if (key == "max_filter_expressions") {
    knobs.max_filter_expressions = count_of(key, value, 1);
  } else if (key == "max_delete_per_call") {
    knobs.max_delete_per_call = count_of(key, value, 1);
  } else if (key == "max_count") {
    knobs.max_count = count_of(key, value, 1);
  } else if (key == "max_collections") {
    knobs.max_collections = count_of(key, value, 0);
  } else if (key == "max_indexes") {
    knobs.max_indexes = count_of(key, value, 0);
  } else if (key == "indexes_per_collection") {
    knobs.indexes_per_collection = count_of(key, value, 0);
  } else if (key == "seed") {
    if (value.is_null()) knobs.seed.reset();
    else knobs.seed = count_of(key, value, 0);
  } else if (key == "verbose") {
    knobs.verbose = bool_of(key, value);
  } else {
    throw std::invalid_argument("unknown knob '" + std::string(key) + "'");
  }
}

json::object knobs_to_json(const Knobs& knobs) {
  json::array modes;
  for (const auto f : knobs.fail_modes) modes.emplace_back(fault_name(f));
  return {
      {"latency_ms", knobs.latency_ms},
      {"fail_rate", knobs.fail_rate},
      {"fail_modes", std::move(modes)},
      {"timeout_hold_ms", knobs.timeout_hold_ms},
      {"server_version", knobs.version.to_string()},
      {"legacy", !knobs.version.at_least(ServerVersion::kOldest + 1)},
      {"max_insert_many", knobs.max_insert_many},
      {"page_size", knobs.find_page_size()},
      {"max_in_values", knobs.max_in_values},
      {"max_filter_expressions", knobs.max_filter_expressions},
      {"max_delete_per_call", knobs.max_delete_per_call},
      {"max_count", knobs.max_count},
      {"max_collections", knobs.max_collections},
      {"max_indexes", knobs.max_indexes},
      {"indexes_per_collection", knobs.indexes_per_collection},
      {"seed", knobs.seed ? json::value(*knobs.seed) : json::value(nullptr)},
      {"verbose", knobs.verbose},
  };
}

}  // namespace bytestore::dataapi
