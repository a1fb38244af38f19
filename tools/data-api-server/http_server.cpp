#include "http_server.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>

#include <algorithm>
#include <optional>
#include <stdexcept>
#include <thread>
#include <vector>

#include "http_session.h"

namespace bytestore::dataapi {
namespace {

using tcp = net::ip::tcp;

// TLS 1.2 and later, the certificate chain and key from PEM files. Throws
// std::runtime_error naming the file OpenSSL refused.
net::ssl::context server_tls_context(const TlsFiles& files) {
  net::ssl::context context(net::ssl::context::tls_server);
  context.set_options(net::ssl::context::default_workarounds | net::ssl::context::no_sslv2 |
                      net::ssl::context::no_sslv3 | net::ssl::context::no_tlsv1 | net::ssl::context::no_tlsv1_1);
  try {
    context.use_certificate_chain_file(files.cert_file);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("--tls-cert '" + files.cert_file + "': " + e.what());
  }
  try {
    context.use_private_key_file(files.key_file, net::ssl::context::pem);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("--tls-key '" + files.key_file + "': " + e.what());
  }
  return context;
}

}  // namespace

struct HttpServer::Impl {
  Impl(DataApiService& s, std::size_t max_body, unsigned thread_count, const std::optional<TlsFiles>& tls_files)
      : service(s),
        max_body_bytes(max_body),
        threads(std::max(1u, thread_count)),
        ioc(static_cast<int>(threads)),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM) {
    if (tls_files) tls.emplace(server_tls_context(*tls_files));
  }

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        if (tls)
          std::make_shared<HttpSession<beast::ssl_stream<beast::tcp_stream>>>(std::move(socket), service,
                                                                              max_body_bytes, *tls)
              ->start();
        else
          std::make_shared<HttpSession<beast::tcp_stream>>(std::move(socket), service, max_body_bytes)->start();
      }
      accept();
    });
  }

  DataApiService& service;
  std::size_t max_body_bytes;
  unsigned threads;
  net::io_context ioc;
  tcp::acceptor acceptor;
  net::signal_set signals;
  std::optional<net::ssl::context> tls;  // set: every connection speaks TLS
};

HttpServer::HttpServer(DataApiService& service, std::size_t max_body_bytes, unsigned threads,
                       const std::optional<TlsFiles>& tls)
    : impl_(std::make_unique<Impl>(service, max_body_bytes, threads, tls)) {}

HttpServer::~HttpServer() = default;

unsigned short HttpServer::listen(unsigned short port) {
  const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  impl_->acceptor.open(endpoint.protocol());
  impl_->acceptor.set_option(net::socket_base::reuse_address(true));
  impl_->acceptor.bind(endpoint);
  impl_->acceptor.listen(net::socket_base::max_listen_connections);
  return impl_->acceptor.local_endpoint().port();
}

void HttpServer::run() {
  impl_->signals.async_wait([this](beast::error_code, int) {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
    impl_->ioc.stop();
  });
  impl_->accept();
  std::vector<std::thread> more;
  for (unsigned i = 1; i < impl_->threads; ++i) more.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (std::thread& t : more) t.join();
}

}  // namespace bytestore::dataapi
