#include "settings.h"

#include <bytestore/error.hpp>
#include <bytestore/loopback_host.hpp>

#include <libpq-fe.h>

#include <cstdlib>
#include <map>
#include <memory>

namespace bytestore::postgres {
namespace {

bool is_local_host(const std::string& host) {
  // No host: the local socket; a path: a socket directory.
  return host.empty() || host.front() == '/' || host.front() == '@' || sdk::is_loopback_host(host);
}

std::string env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

}  // namespace

ConnectSettings connect_settings(const PostgresOptions& options) {
  const std::string url = options.url.empty() ? env("DATABASE_URL") : options.url;
  std::map<std::string, std::string> parsed;
  if (!url.empty()) {
    char* error = nullptr;
    PQconninfoOption* info = PQconninfoParse(url.c_str(), &error);
    if (!info) {
      const std::string why = error ? error : "out of memory";
      PQfreemem(error);
      throw Error(Errc::config, "option 'url' is not a libpq connection URI or key=value string (" +
                                    std::string(why.substr(0, why.find('\n'))) + ")");
    }
    for (PQconninfoOption* o = info; o->keyword; ++o)
      if (o->val && *o->val) parsed[o->keyword] = o->val;
    PQconninfoFree(info);
  }
  auto value_of = [&](const char* keyword, const char* variable) {
    const auto found = parsed.find(keyword);
    return found != parsed.end() ? found->second : env(variable);
  };
  const std::string host = value_of("host", "PGHOST"), hostaddr = value_of("hostaddr", "PGHOSTADDR");
  const std::string port = value_of("port", "PGPORT"), database = value_of("dbname", "PGDATABASE");

  ConnectSettings settings;
  settings.shown = (host.empty() ? (hostaddr.empty() ? std::string("(local socket)") : hostaddr) : host) +
                   (port.empty() ? "" : ":" + port) + "/" + (database.empty() ? "(default database)" : database);
  if (!url.empty()) settings.params.emplace_back("dbname", url);
  if (!options.password.empty()) settings.params.emplace_back("password", options.password);
  const auto seconds = (options.connect_timeout.count() + 999) / 1000;
  settings.params.emplace_back("connect_timeout", std::to_string(std::max<long long>(2, seconds)));
  settings.params.emplace_back("options", "-c statement_timeout=" + std::to_string(options.statement_timeout.count()));
  settings.params.emplace_back("application_name", "bytestore");
  // libpq's default (prefer) would send a password in cleartext to a
  // server without TLS; to another host TLS is required unless the URL or
  // PGSSLMODE chooses.
  const bool remote = !is_local_host(host) || (!hostaddr.empty() && !is_local_host(hostaddr));
  if (remote && value_of("sslmode", "PGSSLMODE").empty()) settings.params.emplace_back("sslmode", "require");
  return settings;
}

}  // namespace bytestore::postgres
