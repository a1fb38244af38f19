// Where a store's server is and how to log in: from the `url` option (or
// $REDIS_URL) and the credential options that override it.
#pragma once

#include <string>

#include "redis_options.h"

namespace bytestore::redis {

struct Endpoint {
  std::string host;  // empty for a unix socket
  int port = 6379;
  std::string socket_path;  // set for unix://

  bool is_unix() const { return !socket_path.empty(); }
  std::string address() const;  // "host:port" ("[v6]:port") or the socket path
};

struct ServerSettings {
  Endpoint endpoint;
  bool tls = false;
  std::string username;  // empty: the default user
  std::string password;  // empty: no AUTH
  int db = 0;
  std::string shown;  // the url as it may be printed: no password
};

// Throws Error(Errc::config) saying what is wrong with the url, never
// quoting its password.
ServerSettings server_settings(const RedisOptions& options);

// "host:port" (or "[v6]:port") as the cluster names its nodes.
Endpoint endpoint_of(const std::string& address);

}  // namespace bytestore::redis
