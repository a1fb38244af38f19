// Redis 7 servers of their own for a test program: Debian's redis-server
// on free ports of 127.0.0.1, each with a scratch directory for its log
// (and socket, and cluster file), nothing saved to disk, spawned directly
// and always stopped by PID. LocalRedis is one server; LocalRedisCluster
// is three masters with one replica each.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "scratch_dir.h"
#include "subprocess.h"

namespace bytestore::testing {

class TestCertificate;

// How a LocalRedis serves. Outside the class only because a nested struct
// with member initializers cannot be a default argument of its enclosing
// class's constructor.
struct LocalRedisSetup {
  // Serve TLS only (no plain port) with this certificate; it is copied, so
  // it need not outlive the server.
  const TestCertificate* tls = nullptr;
  // With `tls`: clients must present a certificate the same certificate
  // signs; cli() presents that certificate itself.
  bool tls_client_certs = false;
  // Also listen on a unix socket in the scratch directory.
  bool unix_socket = false;
  // If non-empty: the default user's password (requirepass).
  std::string password = {};
};

class LocalRedis {
 public:
  // Every server has these two ACL users besides the default one.
  static constexpr const char* kAclUser = "bytestore-app";  // all keys, all commands
  static constexpr const char* kAclPassword = "redis-acl-secret-7d2e";
  // Read commands only (+@read +ping +scan -@write ~*): writes fail with
  // NOPERM, and so do SELECT, INFO and CLIENT; AUTH and HELLO work.
  static constexpr const char* kReadOnlyUser = "bytestore-reader";
  static constexpr const char* kReadOnlyPassword = "redis-ro-secret-19ab";

  using Setup = LocalRedisSetup;

  // Starts the server and waits until it answers PING. Throws
  // std::runtime_error saying what failed, with the end of the server's log.
  explicit LocalRedis(Setup setup = {});
  ~LocalRedis();  // SIGTERM (SIGKILL after 10 s), then removes the directory
  LocalRedis(const LocalRedis&) = delete;
  LocalRedis& operator=(const LocalRedis&) = delete;

  int port() const { return port_; }
  // "redis://127.0.0.1:PORT/0", or "rediss://localhost:PORT/0" with TLS;
  // no credentials in it.
  std::string url() const;
  // Empty unless the setup asked for a socket.
  std::string unix_socket_path() const;

  // Runs redis-cli against this server over TCP (TLS, client certificate
  // and the default user's password as the setup needs) with `args`
  // appended; they may begin with more redis-cli options, e.g. --user and
  // --pass. redis-cli exits 0 on an error reply: look at `out`.
  Finished cli(const std::vector<std::string>& args, const std::string& input = {}) const;

  // SIGTERM and wait (SIGKILL after 10 s). Nothing is saved: a server
  // started again is empty.
  void stop();
  // Starts again on the same port with the same configuration; throws as
  // the constructor does.
  void start();
  // SIGKILL and wait: a crash.
  void kill();

 private:
  friend class LocalRedisCluster;

  // A cluster node: `port` chosen by the cluster, `extra_flags` appended to
  // the server's command line.
  LocalRedis(int port, std::vector<std::string> extra_flags);

  std::vector<std::string> server_argv() const;
  std::string log_tail() const;
  // Waits for the server to exit, SIGKILL after `grace`.
  void reap(std::chrono::milliseconds grace);

  ScratchDir dir_{"bytestore-redis"};
  bool tls_ = false;
  bool tls_client_certs_ = false;
  bool unix_socket_ = false;
  std::string password_;
  std::vector<std::string> extra_flags_;
  int port_ = 0;
  pid_t pid_ = -1;  // the running redis-server, or -1
};

class LocalRedisCluster {
 public:
  // Six nodes (--cluster-enabled yes, --cluster-node-timeout 1000 so a
  // failover takes seconds) joined by `redis-cli --cluster create` as three
  // masters with one replica each. Returns once every node reports
  // cluster_state:ok with all 16384 slots and every replica is linked to
  // its master. Throws std::runtime_error, with no node left running.
  LocalRedisCluster();
  ~LocalRedisCluster();  // stops every node by PID
  LocalRedisCluster(const LocalRedisCluster&) = delete;
  LocalRedisCluster& operator=(const LocalRedisCluster&) = delete;

  // "redis://127.0.0.1:PORT" of the first node.
  std::string seed_url() const;
  // All six, killed ones too.
  std::vector<int> ports() const;
  // The masters that serve slots and are not marked failed, as the
  // cluster (CLUSTER NODES) says now.
  std::vector<int> master_ports() const;
  // The port of the master serving `key`'s slot.
  int master_of_key(const std::string& key) const;

  // SIGKILL the node on `port` and wait for it to exit.
  void kill_node(int port);
  // Waits until every live node reports cluster_state:ok with all slots,
  // every slot is served by a live master in every live node's view, and
  // every live replica is linked to its master. Throws std::runtime_error
  // saying what was still wrong after `timeout`.
  void wait_until_healthy(std::chrono::milliseconds timeout = std::chrono::seconds(30)) const;

  // redis-cli -p `port` -c `args`: follows MOVED and ASK redirections.
  Finished cli(int port, const std::vector<std::string>& args) const;

 private:
  const LocalRedis& node(int port) const;
  std::vector<int> live_ports() const;
  // CLUSTER NODES as the first live node answers it.
  std::string cluster_nodes() const;
  // Empty when healthy, else what is wrong.
  std::string health_problem() const;

  std::vector<std::unique_ptr<LocalRedis>> nodes_;
};

}  // namespace bytestore::testing
