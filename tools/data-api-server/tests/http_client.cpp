#include "http_client.h"

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace bytestore::dataapi::testing {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

boost::json::value HttpResult::json() const {
  boost::system::error_code ec;
  auto v = boost::json::parse(body, ec);
  return ec ? boost::json::value(nullptr) : v;
}

namespace {

template <class Stream>
HttpResult exchange(Stream& stream, beast::flat_buffer& buffer, http::request<http::string_body>& req) {
  http::write(stream, req);
  http::response_parser<http::string_body> parser;
  parser.body_limit(64 * 1024 * 1024);
  http::read(stream, buffer, parser);
  HttpResult result;
  result.status = parser.get().result_int();
  result.body = parser.get().body();
  for (const auto& field : parser.get()) result.headers[std::string(field.name_string())] = std::string(field.value());
  return result;
}

}  // namespace

struct HttpConnection::Impl {
  net::io_context ioc;
  beast::tcp_stream plain{ioc};
  std::optional<net::ssl::context> tls_context;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls;
  beast::flat_buffer buffer;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : plain; }
};

HttpConnection::HttpConnection(unsigned short port, const std::optional<ClientTls>& tls)
    : impl_(std::make_unique<Impl>()) {
  const net::ip::tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
  if (!tls) {
    impl_->plain.connect(endpoint);
    return;
  }
  auto& context = impl_->tls_context.emplace(net::ssl::context::tls_client);
  if (tls->ca_file.empty()) context.set_default_verify_paths();
  else context.load_verify_file(tls->ca_file);
  auto& stream = impl_->tls.emplace(impl_->ioc, context);
  stream.set_verify_mode(net::ssl::verify_peer);
  stream.set_verify_callback(net::ssl::host_name_verification(tls->host));
  SSL_set_tlsext_host_name(stream.native_handle(), tls->host.c_str());
  beast::get_lowest_layer(stream).connect(endpoint);
  stream.handshake(net::ssl::stream_base::client);
}

HttpConnection::~HttpConnection() {
  beast::error_code ignored;
  impl_->tcp().socket().shutdown(net::ip::tcp::socket::shutdown_both, ignored);
}

HttpResult HttpConnection::request(const std::string& method, const std::string& target, const std::string& body,
                                   const std::map<std::string, std::string>& headers) {
  http::request<http::string_body> req(http::string_to_verb(method), target, 11);
  req.set(http::field::host, "127.0.0.1");
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = body;
  req.keep_alive(true);
  req.prepare_payload();
  if (impl_->tls) return exchange(*impl_->tls, impl_->buffer, req);
  return exchange(impl_->plain, impl_->buffer, req);
}

HttpResult HttpConnection::post(const std::string& target, const std::string& body, const std::string& token) {
  return request("POST", target, body, {{"Token", token}, {"Content-Type", "application/json"}});
}

HttpResult HttpConnection::post_json(const std::string& target, const boost::json::value& body,
                                     const std::string& token) {
  return post(target, boost::json::serialize(body), token);
}

}  // namespace bytestore::dataapi::testing
