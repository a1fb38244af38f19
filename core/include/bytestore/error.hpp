// bytestore::Error: the one exception type of the library.
//
// Header-only on purpose: plugins built with the SDK throw it without
// linking libbytestore.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace bytestore {

// Few codes, each one a decision the caller can act on.
enum class Errc {
  invalid_argument = 1,  // the call itself is wrong (empty key, non-UTF-8 key)
  config = 2,            // the YAML config or a store's options are wrong
  plugin = 3,            // a plugin cannot be found, loaded or trusted
  limit_exceeded = 4,    // a key or value is beyond the backend's limits
  unavailable = 5,       // transient: busy, timed out, unreachable; retry later
  unauthorized = 6,      // credentials were refused
  io = 7,                // the OS or disk failed (permissions, full disk)
  corruption = 8,        // stored data is damaged or of an unknown format
  internal = 9,          // a bug in a plugin or in bytestore
};

// The lowercase name of `code`, e.g. "limit_exceeded".
constexpr std::string_view to_string(Errc code) noexcept {
  switch (code) {
    case Errc::invalid_argument: return "invalid_argument";
    case Errc::config: return "config";
    case Errc::plugin: return "plugin";
    case Errc::limit_exceeded: return "limit_exceeded";
    case Errc::unavailable: return "unavailable";
    case Errc::unauthorized: return "unauthorized";
    case Errc::io: return "io";
    case Errc::corruption: return "corruption";
    case Errc::internal: return "internal";
  }
  return "unknown";
}

// Thrown by every fallible call. what() is one line that says what failed,
// where, and when useful what to do about it.
class Error : public std::runtime_error {
 public:
  Error(Errc code, const std::string& message)
      : std::runtime_error(message), code_(code) {}

  Errc code() const noexcept { return code_; }

 private:
  Errc code_;
};

}  // namespace bytestore
