#include "server_address.h"

#include <bytestore/error.hpp>

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

#include <charconv>
#include <cstdlib>

namespace bytestore::redis {
namespace {

constexpr const char* kDefaultUrl = "redis://127.0.0.1:6379/0";

int number(std::string_view text, const char* what, int low, int high) {
  int value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high)
    throw Error(Errc::config, std::string("option 'url' has a bad ") + what + " '" + std::string(text) +
                                  "' (" + std::to_string(low) + " to " + std::to_string(high) + ")");
  return value;
}

}  // namespace

std::string Endpoint::address() const {
  if (is_unix()) return socket_path;
  return (host.find(':') != std::string::npos ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Endpoint endpoint_of(const std::string& address) {
  Endpoint endpoint;
  const std::size_t colon = address.rfind(':');
  endpoint.host = address.substr(0, colon);
  if (endpoint.host.size() > 2 && endpoint.host.front() == '[') endpoint.host = endpoint.host.substr(1, endpoint.host.size() - 2);
  endpoint.port = colon == std::string::npos ? 6379 : std::atoi(address.c_str() + colon + 1);
  return endpoint;
}

ServerSettings server_settings(const RedisOptions& options) {
  const char* from_env = std::getenv("REDIS_URL");
  const std::string text = !options.url.empty() ? options.url : from_env && *from_env ? from_env : kDefaultUrl;
  const auto parsed = boost::urls::parse_uri(text);
  // The parser's message never holds the text, which may hold a password.
  if (!parsed)
    throw Error(Errc::config, "option 'url' is not a URL (" + parsed.error().message() +
                                  "); expected redis://[[user]:password@]host[:port][/db], rediss://... or "
                                  "unix:///path/redis.sock[?db=N]");
  const boost::urls::url_view url = *parsed;
  ServerSettings settings;
  const std::string scheme = url.scheme();
  if (scheme == "unix") {
    settings.endpoint.socket_path = url.path();
    if (settings.endpoint.socket_path.empty())
      throw Error(Errc::config, "option 'url' names no socket: expected unix:///path/redis.sock");
    if (const auto db = url.params().find("db"); db != url.params().end())
      settings.db = number((*db).value, "database number", 0, 1 << 20);
  } else if (scheme == "redis" || scheme == "rediss") {
    settings.tls = scheme == "rediss";
    settings.endpoint.host = url.host_address();
    if (settings.endpoint.host.empty()) throw Error(Errc::config, "option 'url' names no host");
    std::string_view path = url.encoded_path();
    // Boost.URL 1.81 reads a name that starts with an IPv4 address
    // (127.0.0.1.nip.io) as that address, the rest as the path: refused,
    // so that nothing goes to the wrong host.
    if (!path.empty() && !path.starts_with('/'))
      throw Error(Errc::config, "option 'url' has a host name that starts with an IPv4 address (" +
                                    settings.endpoint.host + std::string(path.substr(0, path.find_first_of(":/"))) +
                                    "), which this build cannot read: give the address, or another name");
    if (url.has_port()) settings.endpoint.port = number(url.port(), "port", 1, 65535);
    if (path.starts_with('/')) path.remove_prefix(1);
    if (!path.empty()) settings.db = number(path, "database number", 0, 1 << 20);
  } else {
    throw Error(Errc::config, "option 'url' has scheme '" + scheme + "'; expected redis, rediss or unix");
  }
  if (url.has_userinfo()) {
    settings.username = url.user();
    settings.password = url.password();
  }
  if (!options.username.empty()) settings.username = options.username;
  if (!options.password.empty()) settings.password = options.password;

  // What may be printed: the url without its password.
  boost::urls::url shown(url);
  if (shown.has_password()) shown.set_password("***");
  settings.shown = shown.buffer();
  return settings;
}

}  // namespace bytestore::redis
