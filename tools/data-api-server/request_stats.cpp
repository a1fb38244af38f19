#include "request_stats.h"

namespace bytestore::dataapi {
namespace {

boost::json::object counts(const std::map<std::string, std::uint64_t>& m) {
  boost::json::object o;
  for (const auto& [k, v] : m) o[k] = v;
  return o;
}

}  // namespace

void RequestStats::count_request(const std::string& command, std::size_t body_bytes) {
  ++total_;
  bytes_received_ += body_bytes;
  if (!command.empty()) ++commands_[command];
}

void RequestStats::count_response(unsigned status, std::size_t body_bytes) {
  ++statuses_[std::to_string(status)];
  bytes_sent_ += body_bytes;
}

void RequestStats::count_fault(const std::string& fault) { ++faults_[fault]; }

void RequestStats::reset() { *this = RequestStats(); }

boost::json::object RequestStats::to_json() const {
  return {
      {"total", total_},
      {"commands", counts(commands_)},
      {"statuses", counts(statuses_)},
      {"faults", counts(faults_)},
      {"bytes_received", bytes_received_},
      {"bytes_sent", bytes_sent_},
  };
}

}  // namespace bytestore::dataapi
