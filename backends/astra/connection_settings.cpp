#include "connection_settings.h"

#include <bytestore/error.hpp>
#include <bytestore/loopback_host.hpp>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <curl/curl.h>
#include <unistd.h>

#include "base64.h"

namespace bytestore::astra {
namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// Keyspace and collection names: \w+, at most 48 characters.
void check_name(const std::string& name, const char* what) {
  const bool word = !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_';
  });
  if (!word || name.size() > 48)
    throw Error(Errc::config, std::string(what) + " '" + name +
                                  "' is not valid: use letters, digits and '_', at most 48 characters");
}

// The parts of an endpoint URL, as libcurl reads it (the same parser
// that later sends the requests).
struct EndpointParts {
  std::string scheme;  // lower case
  std::string host;    // lower case; IPv6 in brackets
  bool has_userinfo = false;
};

std::optional<EndpointParts> parse_endpoint(std::string_view endpoint) {
  CURLU* url = curl_url();
  if (!url) return std::nullopt;
  std::optional<EndpointParts> parts;
  if (curl_url_set(url, CURLUPART_URL, std::string(endpoint).c_str(), 0) == CURLUE_OK) {
    auto get = [url](CURLUPart part) {
      char* text = nullptr;
      std::string out;
      if (curl_url_get(url, part, &text, 0) == CURLUE_OK && text) out = text;
      curl_free(text);
      return out;
    };
    parts.emplace();
    parts->scheme = lower(get(CURLUPART_SCHEME));
    parts->host = lower(get(CURLUPART_HOST));
    parts->has_userinfo = !get(CURLUPART_USER).empty() || !get(CURLUPART_PASSWORD).empty();
  }
  curl_url_cleanup(url);
  return parts;
}

}  // namespace

EnvLookup process_env() {
  return [](const char* name) -> std::optional<std::string> {
    const char* value = std::getenv(name);
    if (!value || !*value) return std::nullopt;
    return std::string(value);
  };
}

std::string shown_endpoint(std::string_view endpoint) {
  const std::size_t scheme = endpoint.find("://");
  const std::size_t start = scheme == std::string_view::npos ? 0 : scheme + 3;
  const std::size_t end = endpoint.find_first_of("/?#", start);
  const std::size_t at = endpoint.substr(0, end).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(endpoint);
  return std::string(endpoint.substr(0, start)) + "<redacted>" + std::string(endpoint.substr(at));
}

Environment detect_environment(std::string_view endpoint) {
  const auto parts = parse_endpoint(endpoint);
  const std::string host = parts ? parts->host : std::string();
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
  const auto parts = parse_endpoint(s.endpoint);
  if (!parts || (parts->scheme != "https" && parts->scheme != "http"))
    throw Error(Errc::config, "api_endpoint '" + shown_endpoint(s.endpoint) +
                                  "' is not an https:// or http:// URL");
  if (parts->has_userinfo)
    throw Error(Errc::config, "api_endpoint '" + shown_endpoint(s.endpoint) +
                                  "' carries a user name or password; give them as username and "
                                  "password (or token) instead");
  if (parts->scheme == "http" && !sdk::is_loopback_host(parts->host) && !options.allow_insecure_http)
    throw Error(Errc::config,
                "api_endpoint '" + s.endpoint + "' is plain http:// to a host that is not this "
                "machine: the credentials would travel in cleartext; use https:// (with ca_file "
                "for a private CA), or set allow_insecure_http: true if the network is trusted");
  while (s.endpoint.ends_with('/')) s.endpoint.pop_back();
  s.ca_file = options.ca_file;
  s.system_ca = options.system_ca;
  if (!s.ca_file.empty() && access(s.ca_file.c_str(), R_OK) != 0)
    throw Error(Errc::config, "ca_file '" + s.ca_file + "' cannot be read: " + std::strerror(errno));
  if (!s.system_ca && s.ca_file.empty())
    throw Error(Errc::config, "system_ca: false needs a ca_file, or no certificate could be trusted");

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
