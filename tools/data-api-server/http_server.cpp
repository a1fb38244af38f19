#include "http_server.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <algorithm>
#include <array>
#include <optional>
#include <thread>
#include <vector>

namespace bytestore::dataapi {
namespace {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

// One client connection; requests on it are answered one after another.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, DataApiService& service, std::size_t max_body)
      : stream_(std::move(socket)), timer_(stream_.get_executor()), service_(service), max_body_(max_body) {}

  void start() { read_header(); }

 private:
  void read_header() {
    parser_.emplace();
    parser_->body_limit(max_body_);
    parser_->header_limit(64 * 1024);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::body_limit) return too_large();
    if (ec) return close();
    const auto& req = parser_->get();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont, [self = shared_from_this(), cont](beast::error_code ec2, std::size_t) {
        if (ec2) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
  }

  void on_body(beast::error_code ec) {
    if (ec == http::error::body_limit) return too_large();
    if (ec) return close();
    auto req = parser_->release();
    HttpRequest request;
    request.method = std::string(req.method_string());
    request.target = std::string(req.target());
    request.content_type = std::string(req[http::field::content_type]);
    if (const auto it = req.find("Token"); it != req.end()) request.token = std::string(it->value());
    else if (const auto it2 = req.find("X-Cassandra-Token"); it2 != req.end()) request.token = std::string(it2->value());
    request.body = std::move(req.body());
    keep_alive_ = req.keep_alive();
    reply_ = service_.handle(request);
    if (reply_.close) keep_alive_ = false;
    act();
  }

  void too_large() {
    reply_ = service_.body_too_large(max_body_);
    keep_alive_ = false;
    draining_ = true;
    act();
  }

  void act() {
    if (reply_.delay.count() <= 0) return perform();
    timer_.expires_after(reply_.delay);
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->perform();
    });
  }

  void perform() {
    switch (reply_.action) {
      case ReplyAction::kRespond: {
        response_.emplace(static_cast<http::status>(reply_.status), 11);
        response_->set(http::field::content_type, reply_.content_type);
        response_->body() = std::move(reply_.body);
        response_->keep_alive(keep_alive_);
        response_->prepare_payload();
        http::async_write(stream_, *response_,
                          [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
        return;
      }
      case ReplyAction::kHold:
        timer_.expires_after(reply_.hold);
        timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
          if (!ec) self->close();
        });
        return;
      case ReplyAction::kReset:
        return reset();
      case ReplyAction::kResetMidBody: {
        raw_ = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(reply_.body.size()) + "\r\n\r\n" + reply_.body.substr(0, reply_.body.size() / 2);
        net::async_write(stream_, net::buffer(raw_),
                         [self = shared_from_this()](beast::error_code, std::size_t) { self->reset(); });
        return;
      }
    }
  }

  void on_written(beast::error_code ec) {
    response_.reset();
    if (ec) return close();
    if (draining_) return drain();
    if (!keep_alive_) return close();
    read_header();
  }

  // After a 413: stop sending, read and drop what the client still sends,
  // then close, so the client reads the answer instead of a reset.
  void drain() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    timer_.expires_after(std::chrono::seconds(5));
    timer_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (!ec) self->close();
    });
    drain_some();
  }

  void drain_some() {
    stream_.socket().async_read_some(net::buffer(scratch_), [self = shared_from_this()](beast::error_code ec,
                                                                                         std::size_t) {
      if (ec) {
        self->timer_.cancel();
        return self->close();
      }
      self->drain_some();
    });
  }

  void reset() {
    beast::error_code ignored;
    stream_.socket().set_option(net::socket_base::linger(true, 0), ignored);
    stream_.socket().close(ignored);
  }

  void close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_.socket().close(ignored);
  }

  beast::tcp_stream stream_;
  net::steady_timer timer_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::string_body>> response_;
  DataApiService& service_;
  std::size_t max_body_;
  HttpReply reply_;
  bool keep_alive_ = false;
  bool draining_ = false;
  std::string raw_;
  std::array<char, 64 * 1024> scratch_{};
};

}  // namespace

struct HttpServer::Impl {
  Impl(DataApiService& s, std::size_t max_body, unsigned thread_count)
      : service(s),
        max_body_bytes(max_body),
        threads(std::max(1u, thread_count)),
        ioc(static_cast<int>(threads)),
        acceptor(ioc),
        signals(ioc, SIGINT, SIGTERM) {}

  void accept() {
    acceptor.async_accept(net::make_strand(ioc), [this](beast::error_code ec, tcp::socket socket) {
      if (ec == net::error::operation_aborted) return;
      if (!ec) {
        beast::error_code ignored;
        socket.set_option(tcp::no_delay(true), ignored);
        std::make_shared<Session>(std::move(socket), service, max_body_bytes)->start();
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
};

HttpServer::HttpServer(DataApiService& service, std::size_t max_body_bytes, unsigned threads)
    : impl_(std::make_unique<Impl>(service, max_body_bytes, threads)) {}

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
