// Starts the local Data API server (tools/data-api-server) for a test and
// stops it afterwards; talks to it directly for setup and inspection.
#pragma once

#include <boost/json.hpp>

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "scratch_dir.h"

namespace bytestore::testing {

// A self-signed certificate for localhost and 127.0.0.1, made with the
// openssl command in a fresh directory, valid for two days.
class TestCertificate {
 public:
  TestCertificate();  // throws std::runtime_error if openssl fails
  std::string cert_file() const { return dir_.file("cert.pem"); }  // also the CA to trust
  std::string key_file() const { return dir_.file("key.pem"); }

 private:
  ScratchDir dir_{"bytestore-cert"};
};

class LocalDataApiServer {
 public:
  static constexpr const char* kToken = "test-token-6f1c2d";

  // Starts `binary` with `flags` (plus --token kToken) on a free port of
  // 127.0.0.1 and waits until it listens; with `tls`, it serves HTTPS with
  // that certificate. Throws std::runtime_error.
  LocalDataApiServer(const std::string& binary, std::vector<std::string> flags = {},
                     std::shared_ptr<const TestCertificate> tls = nullptr);
  ~LocalDataApiServer();  // SIGTERM, then waits
  LocalDataApiServer(const LocalDataApiServer&) = delete;
  LocalDataApiServer& operator=(const LocalDataApiServer&) = delete;

  int port() const { return port_; }
  // http://127.0.0.1:PORT, or https://localhost:PORT with TLS
  std::string endpoint() const;
  // The CA file that trusts the server's certificate; empty without TLS.
  std::string ca_file() const { return tls_ ? tls_->cert_file() : std::string(); }

  // Sends a Data API command to /v1/{keyspace}[/{collection}] with the
  // server's token; returns the parsed response (whatever its status).
  boost::json::value command(const std::string& path, const boost::json::object& body) const;
  // GET /_test/stats
  boost::json::object stats() const;
  void reset_stats() const;
  // POST /_test/config with the given knobs.
  void configure(const boost::json::object& knobs) const;
  // The count of `name` commands since the last reset.
  std::uint64_t count(const std::string& name) const;

 private:
  boost::json::value http(const std::string& method, const std::string& path,
                          const std::string& body, bool with_token) const;

  std::shared_ptr<const TestCertificate> tls_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace bytestore::testing
