// A PostgreSQL 15 server of its own for a test program: a cluster made by
// initdb in a scratch directory, run on a free port of 127.0.0.1 and a
// private socket directory, stopped by the PID in postmaster.pid. As root
// (CI), initdb and postgres run as the `postgres` user Debian's package
// creates: the server refuses root.
#pragma once

#include <sys/types.h>

#include <string>

namespace bytestore::testing {

class TestCertificate;

class LocalPostgres {
 public:
  static constexpr const char* kUser = "bytestore";
  static constexpr const char* kPassword = "pg-test-secret-41c9";
  static constexpr const char* kDatabase = "postgres";

  // initdb (C locale, UTF-8; `kUser` the superuser with `kPassword`;
  // connections over TCP need the password, scram-sha-256) and start.
  // With `tls`, the server also serves TLS (ssl=on) with that
  // certificate. Throws std::runtime_error saying what failed.
  explicit LocalPostgres(const TestCertificate* tls = nullptr);
  ~LocalPostgres();  // fast shutdown, then removes the cluster
  LocalPostgres(const LocalPostgres&) = delete;
  LocalPostgres& operator=(const LocalPostgres&) = delete;

  int port() const { return port_; }
  // A URI for 127.0.0.1 without the password (give it as `password`).
  std::string url() const;
  // The same with the password inside it.
  std::string url_with_password() const;

  // Fast shutdown (SIGINT to the postmaster) and wait; start again on the
  // same port.
  void stop();
  void start();

 private:
  pid_t postmaster_pid() const;
  void wait_until_stopped(pid_t pid);

  std::string dir_;
  bool tls_ = false;
  int port_ = 0;
  pid_t runner_ = -1;  // the process start() spawned (runuser or postgres)
};

}  // namespace bytestore::testing
