// One client connection of the HTTP front, over plain TCP
// (beast::tcp_stream) or TLS (beast::ssl_stream<beast::tcp_stream>):
// requests on it are answered one after another, by the DataApiService's
// reply, including delayed, held, cut and reset answers. Faults act on the
// TCP socket under the TLS layer, so a reset is a reset either way.
#pragma once

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include <array>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>

#include "data_api_service.h"

namespace bytestore::dataapi {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

template <class Stream>
class HttpSession : public std::enable_shared_from_this<HttpSession<Stream>> {
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;
  using tcp = net::ip::tcp;

 public:
  // After the socket, what else the stream takes: the TLS context for TLS.
  template <class... StreamArgs>
  HttpSession(tcp::socket socket, DataApiService& service, std::size_t max_body, StreamArgs&... stream_args)
      : stream_(std::move(socket), stream_args...),
        timer_(stream_.get_executor()),
        service_(service),
        max_body_(max_body) {}

  void start() {
    if constexpr (kTls) {
      // A client that never finishes the handshake must not keep the session.
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(30));
      stream_.async_handshake(net::ssl::stream_base::server, [self = this->shared_from_this()](beast::error_code ec) {
        if (ec) return self->close();
        beast::get_lowest_layer(self->stream_).expires_never();
        self->read_header();
      });
    } else {
      read_header();
    }
  }

 private:
  tcp::socket& socket() { return beast::get_lowest_layer(stream_).socket(); }

  void read_header() {
    parser_.emplace();
    parser_->body_limit(max_body_);
    parser_->header_limit(64 * 1024);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  void on_header(beast::error_code ec) {
    if (ec == http::error::body_limit) return too_large();
    if (ec) return close();
    const auto& req = parser_->get();
    if (beast::iequals(req[http::field::expect], "100-continue")) {
      auto cont = std::make_shared<http::response<http::empty_body>>(http::status::continue_, 11);
      http::async_write(stream_, *cont, [self = this->shared_from_this(), cont](beast::error_code ec2, std::size_t) {
        if (ec2) return self->close();
        self->read_body();
      });
      return;
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_body(ec); });
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
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
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
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_written(ec); });
        return;
      }
      case ReplyAction::kHold:
        timer_.expires_after(reply_.hold);
        timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
          if (!ec) self->close();
        });
        return;
      case ReplyAction::kReset:
        return reset();
      case ReplyAction::kResetMidBody: {
        raw_ = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
               std::to_string(reply_.body.size()) + "\r\n\r\n" + reply_.body.substr(0, reply_.body.size() / 2);
        net::async_write(stream_, net::buffer(raw_),
                         [self = this->shared_from_this()](beast::error_code, std::size_t) { self->reset(); });
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
    socket().shutdown(tcp::socket::shutdown_send, ignored);
    timer_.expires_after(std::chrono::seconds(5));
    timer_.async_wait([self = this->shared_from_this()](beast::error_code ec) {
      if (!ec) self->close();
    });
    drain_some();
  }

  void drain_some() {
    socket().async_read_some(net::buffer(scratch_), [self = this->shared_from_this()](beast::error_code ec,
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
    socket().set_option(net::socket_base::linger(true, 0), ignored);
    socket().close(ignored);
  }

  void close() {
    beast::error_code ignored;
    socket().shutdown(tcp::socket::shutdown_both, ignored);
    socket().close(ignored);
  }

  Stream stream_;
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

}  // namespace bytestore::dataapi
