// Where and how to reach the Data API, resolved from options and the
// environment variables LangChain reads.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "astra_options.h"

namespace bytestore::astra {

struct ConnectionSettings {
  std::string endpoint;  // scheme://host[:port], no trailing '/'
  std::string api_path;  // "/api/json/v1" on Astra, "/v1" elsewhere
  std::string keyspace;
  std::string collection;
  std::string token;  // secret: never put in a message
  Environment environment = Environment::other;
  std::string user_agent;
  std::string ca_file;    // extra trusted CAs (PEM); empty: none
  bool system_ca = true;  // trust the system store as well

  std::string keyspace_url() const { return endpoint + api_path + "/" + keyspace; }
  std::string collection_url() const { return keyspace_url() + "/" + collection; }
};

// Reads an environment variable; nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
EnvLookup process_env();

// astra for hosts under apps.astra.datastax.com (and Astra's test and dev
// domains), other for everything else.
Environment detect_environment(std::string_view endpoint);

// The endpoint as it may appear in a message: any user:password@ part
// replaced by "<redacted>@".
std::string shown_endpoint(std::string_view endpoint);

// Throws Error(Errc::config) naming what is missing or malformed; never
// quotes a token or password. Credentials over plain http:// go only to a
// loopback host, unless allow_insecure_http says the network is trusted.
ConnectionSettings resolve_connection(const AstraOptions& options, const EnvLookup& env);

}  // namespace bytestore::astra
