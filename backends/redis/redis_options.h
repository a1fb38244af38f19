// The options of a `redis` store, as config spells them.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <array>
#include <cstdint>
#include <string>

namespace bytestore::redis {

struct RedisOptions {
  std::string url;
  bool cluster = false;
  std::string username;
  std::string password;
  std::string namespace_;
  sdk::Duration ttl{0};
  std::string ca_file;
  std::string cert_file;
  std::string key_file;
  bool cleartext_password = false;
  sdk::Duration connect_timeout{5000};
  sdk::Duration request_timeout{10000};
  std::uint64_t max_retries = 6;
  std::uint64_t connections = 4;
  std::uint64_t page_size = 1000;
  std::uint64_t wait_replicas = 0;
  sdk::Duration wait_timeout{1000};

  static constexpr std::array docs{
      sdk::OptionDoc{"url",
                     "redis://[[user]:password@]host[:port][/db], rediss:// for TLS, or "
                     "unix:///path/redis.sock[?db=N]. Default: $REDIS_URL, else "
                     "redis://127.0.0.1:6379/0. Secret: it may hold a password.",
                     sdk::kSecret},
      sdk::OptionDoc{"cluster",
                     "The url names one node of a Redis Cluster: the slot map is discovered, "
                     "and refreshed on MOVED, ASK and lost connections."},
      sdk::OptionDoc{"username", "ACL user name, overriding the url's."},
      sdk::OptionDoc{"password", "Password (of the ACL user, or requirepass), overriding the url's.",
                     sdk::kSecret},
      sdk::OptionDoc{"namespace",
                     "LangChain RedisStore's namespace: keys are stored as NAMESPACE/KEY, and the "
                     "store sees only its own."},
      sdk::OptionDoc{"ttl",
                     "Every write sets this expiry (as LangChain's ttl); values then may expire. "
                     "Default: none."},
      sdk::OptionDoc{"ca_file", "With rediss://: the CA certificates to trust (default: the system's).",
                     sdk::kPath},
      sdk::OptionDoc{"cert_file", "With rediss://: a client certificate (PEM).", sdk::kPath},
      sdk::OptionDoc{"key_file", "With rediss://: the client certificate's private key (PEM).", sdk::kPath},
      sdk::OptionDoc{"cleartext_password",
                     "Allow a password to travel without TLS (redis://) to a host that is not this "
                     "machine. Default false: such a store is refused."},
      sdk::OptionDoc{"connect_timeout", "How long connecting (and the TLS handshake) may take."},
      sdk::OptionDoc{"request_timeout",
                     "How long a connection with requests waiting may go without a reply (noticed "
                     "within twice that); then it is dropped and its requests retried."},
      sdk::OptionDoc{"max_retries",
                     "Times a command is retried after a lost connection, TRYAGAIN, CLUSTERDOWN, "
                     "LOADING, BUSY or a failover (backoff 50 ms doubling, at most 2 s)."},
      sdk::OptionDoc{"connections",
                     "Synchronous calls running at once (1 to 64), each on connections of its own "
                     "(one per node); async calls have as many per node again."},
      sdk::OptionDoc{"page_size", "SCAN COUNT when listing keys (1 to 100000)."},
      sdk::OptionDoc{"wait_replicas",
                     "After each write batch, WAIT for this many replicas to acknowledge it; fewer "
                     "is an `unavailable` error saying how many did. Default 0: no wait."},
      sdk::OptionDoc{"wait_timeout", "How long WAIT waits for the replicas."},
  };
};
BOOST_DESCRIBE_STRUCT(RedisOptions, (),
                      (url, cluster, username, password, namespace_, ttl, ca_file, cert_file, key_file, cleartext_password,
                       connect_timeout, request_timeout, max_retries, connections, page_size, wait_replicas,
                       wait_timeout))

}  // namespace bytestore::redis
