// A small synchronous HTTP/1.1 client (Boost.Beast) for the server tests:
// one keep-alive connection to 127.0.0.1, plain or TLS.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace bytestore::dataapi::testing {

struct HttpResult {
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  // The body parsed as JSON (null when it is not JSON).
  boost::json::value json() const;
};

// TLS for a connection: the server's certificate must verify against
// `ca_file` (empty: the system's default CAs) for the name `host`.
struct ClientTls {
  std::string ca_file;
  std::string host = "localhost";
};

class HttpConnection {
 public:
  // Throws boost::system::system_error when it cannot connect or the TLS
  // handshake fails (a certificate that does not verify).
  explicit HttpConnection(unsigned short port, const std::optional<ClientTls>& tls = std::nullopt);
  ~HttpConnection();

  // Sends a request and reads the answer; throws boost::system::system_error
  // when the connection fails or closes without an answer.
  HttpResult request(const std::string& method, const std::string& target, const std::string& body,
                     const std::map<std::string, std::string>& headers);

  // POST with Token and Content-Type: application/json.
  HttpResult post(const std::string& target, const std::string& body, const std::string& token = "test-token");
  HttpResult post_json(const std::string& target, const boost::json::value& body,
                       const std::string& token = "test-token");

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bytestore::dataapi::testing
