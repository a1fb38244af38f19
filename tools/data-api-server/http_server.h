// The HTTP/1.1 front of the server (Boost.Beast, asynchronous, a few I/O
// threads with a strand per connection, keep-alive), in plain HTTP or, given
// a certificate and key, HTTPS only: reads requests, hands them to the
// DataApiService and carries out its reply, including delayed, held, cut
// and reset answers. Bodies over the size limit get 413 without being read
// into memory; `Expect: 100-continue` is honoured.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "data_api_service.h"

namespace bytestore::dataapi {

// PEM files: the certificate (chain) the server presents and its key.
struct TlsFiles {
  std::string cert_file;
  std::string key_file;
};

class HttpServer {
 public:
  // `threads` run the connections; the service runs one command at a time.
  // With `tls` every connection is TLS. Throws std::runtime_error when the
  // certificate or key cannot be used.
  HttpServer(DataApiService& service, std::size_t max_body_bytes, unsigned threads,
             const std::optional<TlsFiles>& tls = std::nullopt);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds 127.0.0.1:port (0: a free port) and listens; returns the port.
  // Throws boost::system::system_error.
  unsigned short listen(unsigned short port);

  // Serves until SIGINT or SIGTERM, on the calling thread and threads - 1 more.
  void run();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace bytestore::dataapi
