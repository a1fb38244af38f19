// Counts of what the server saw since start or the last reset: requests
// per command name, HTTP statuses answered, failures injected, and body
// bytes in and out. Served as GET /_test/stats.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

namespace bytestore::dataapi {

class RequestStats {
 public:
  // A Data API request; `command` is the body's command name, or "" when
  // the body is not a command.
  void count_request(const std::string& command, std::size_t body_bytes);
  void count_response(unsigned status, std::size_t body_bytes);
  void count_fault(const std::string& fault);
  void reset();

  // {"total", "commands": {name: n}, "statuses": {"200": n}, "faults":
  //  {name: n}, "bytes_received", "bytes_sent"}
  boost::json::object to_json() const;

 private:
  std::uint64_t total_ = 0;
  std::uint64_t bytes_received_ = 0;
  std::uint64_t bytes_sent_ = 0;
  std::map<std::string, std::uint64_t> commands_;
  std::map<std::string, std::uint64_t> statuses_;
  std::map<std::string, std::uint64_t> faults_;
};

}  // namespace bytestore::dataapi
