// The options of the `astra` backend, named after LangChain's
// AstraDBByteStore constructor.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace bytestore::astra {

// Which kind of Data API deployment the endpoint is. `detect` decides from
// the endpoint's host, as the official clients do.
enum class Environment { detect, astra, hcd, dse, other };
BOOST_DESCRIBE_ENUM(Environment, detect, astra, hcd, dse, other)

// What to do about the collection when a store opens.
enum class SetupMode { sync, async, off };
BOOST_DESCRIBE_ENUM(SetupMode, sync, async, off)

struct AstraOptions {
  std::string collection_name;
  std::string api_endpoint;
  std::string token;
  std::string namespace_;
  Environment environment = Environment::detect;
  SetupMode setup_mode = SetupMode::sync;
  bool pre_delete_collection = false;
  std::string username;
  std::string password;
  sdk::Duration request_timeout{30'000};
  std::uint64_t max_retries = 4;
  std::uint64_t concurrency = 20;
  std::string caller;
  std::string ca_file;
  bool system_ca = true;
  bool allow_insecure_http = false;

  static constexpr std::array docs{
      sdk::OptionDoc{"collection_name", "Collection holding the documents {_id: key, value: base64}.",
                     sdk::kRequired},
      sdk::OptionDoc{"api_endpoint",
                     "Data API endpoint, https://<db>-<region>.apps.astra.datastax.com or "
                     "http://host:8181; default $ASTRA_DB_API_ENDPOINT."},
      sdk::OptionDoc{"token", "Application token (AstraCS:...); default $ASTRA_DB_APPLICATION_TOKEN.",
                     sdk::kSecret},
      sdk::OptionDoc{"namespace",
                     "Keyspace; default $ASTRA_DB_KEYSPACE, else default_keyspace on Astra.", 0,
                     "keyspace"},
      sdk::OptionDoc{"environment", "Deployment kind; detect: astra for *.apps.astra.datastax.com, "
                                    "else other."},
      sdk::OptionDoc{"setup_mode", "sync: create the collection when opening; async: in the "
                                   "background; off: never touch its definition."},
      sdk::OptionDoc{"pre_delete_collection", "Delete the collection first (its data is lost)."},
      sdk::OptionDoc{"username", "Self-hosted servers: user name, instead of a token."},
      sdk::OptionDoc{"password", "Self-hosted servers: password, with username.", sdk::kSecret},
      sdk::OptionDoc{"request_timeout", "Time limit of one HTTP request."},
      sdk::OptionDoc{"max_retries", "Retries of a request after a timeout, a connection error, "
                                    "HTTP 429/502/503/504 or a Data API error it calls "
                                    "retryable."},
      sdk::OptionDoc{"concurrency", "Most requests in flight at once per store."},
      sdk::OptionDoc{"caller", "name/version put before bytestore's in the User-Agent."},
      sdk::OptionDoc{"ca_file",
                     "PEM bundle of CA certificates trusted for https:// endpoints "
                     "(self-hosted servers with a private CA). Relative to the config file.",
                     sdk::kPath},
      sdk::OptionDoc{"system_ca", "Also trust the system's CA store (false: only ca_file)."},
      sdk::OptionDoc{"allow_insecure_http",
                     "Send credentials over plain http:// to a host that is not loopback; only "
                     "for a trusted private network."},
  };
};
BOOST_DESCRIBE_STRUCT(AstraOptions, (),
                      (collection_name, api_endpoint, token, namespace_, environment, setup_mode,
                       pre_delete_collection, username, password, request_timeout, max_retries,
                       concurrency, caller, ca_file, system_ca, allow_insecure_http))

}  // namespace bytestore::astra
