#include "connection_settings.h"

#include <bytestore/error.hpp>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "base64.h"

namespace bytestore::astra {
namespace {

// Keyspace and collection names: \w+, at most 48 characters.
void check_name(const std::string& name, const char* what) {
  const bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_';
  });
  if (!word || name.size() > 48)
    throw Error(Errc::config, std::string(what) + " '" + name +
                                  "' is not valid: use letters, digits and '_', at most 48 characters");
}

std::string host_of(std::string_view endpoint) {
  const std::size_t scheme = endpoint.find("://");
  std::string_view rest = scheme == std::string_view::npos ? endpoint : endpoint.substr(scheme + 3);
  rest = rest.substr(0, rest.find_first_of("/:?"));
  std::string host(rest);
  std::transform(host.begin(), host.end(), host.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return host;
}

}  // namespace

EnvLookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
}

Environment detect_environment(std::string_view endpoint) {
  const std::string host = host_of(endpoint);
  for (std::string_view domain :
       {".apps.astra.datastax.com", ".apps.astra-dev.datastax.com", ".apps.astra-test.datastax.com"})
    if (host.ends_with(domain)) return Environment::astra;
  return Environment::other;
}

ConnectionSettings resolve_connection(const AstraOptions& options, const EnvLookup& env) {
  ConnectionSettings s;
  s.endpoint = options.api_endpoint;
  if (s.endpoint.empty()) s.endpoint = env("ASTRA_DB_API_ENDPOINT").value_or("");
  if (s.endpoint.empty())
    throw Error(Errc::config, "no endpoint: set api_endpoint or ASTRA_DB_API_ENDPOINT");
  if (!s.endpoint.starts_with("https://") && !s.endpoint.starts_with("http://"))
    throw Error(Errc::config, "api_endpoint '" + s.endpoint + "' must start with https:// or http://");
  while (s.endpoint.ends_with('/')) s.endpoint.pop_back();

  s.environment = options.environment == Environment::detect ? detect_environment(s.endpoint)
                                                             : options.environment;
  s.api_path = s.environment == Environment::astra ? "/api/json/v1" : "/v1";

  s.keyspace = options.namespace_;
  if (s.keyspace.empty()) s.keyspace = env("ASTRA_DB_KEYSPACE").value_or("");
  if (s.keyspace.empty() && s.environment == Environment::astra) s.keyspace = "default_keyspace";
  if (s.keyspace.empty())
    throw Error(Errc::config, "no keyspace: set namespace (or keyspace) or ASTRA_DB_KEYSPACE; "
                              "only Astra has a default");
  check_name(s.keyspace, "keyspace");
  s.collection = options.collection_name;
  check_name(s.collection, "collection_name");

  const bool has_login = !options.username.empty() || !options.password.empty();
  if (has_login && !options.token.empty())
    throw Error(Errc::config, "give either token or username/password, not both");
  if (has_login) {
    if (options.username.empty() || options.password.empty())
      throw Error(Errc::config, "username and password go together");
    s.token = "Cassandra:" + base64_encode(options.username) + ":" + base64_encode(options.password);
  } else {
    s.token = options.token;
    if (s.token.empty()) s.token = env("ASTRA_DB_APPLICATION_TOKEN").value_or("");
  }
  if (s.token.empty())
    throw Error(Errc::config, "no credentials: set token (or ASTRA_DB_APPLICATION_TOKEN), or "
                              "username and password");

  s.user_agent = "bytestore/" BYTESTORE_PLUGIN_VERSION;
  if (!options.caller.empty()) s.user_agent = options.caller + " " + s.user_agent;
  return s;
}

}  // namespace bytestore::astra
