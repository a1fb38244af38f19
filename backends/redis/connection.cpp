#include "connection.h"

#include <bytestore/error.hpp>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/ssl/host_name_verification.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <deque>
#include <type_traits>

namespace bytestore::redis {
namespace {

namespace asio = boost::asio;
using Tcp = asio::ip::tcp::socket;
using Tls = asio::ssl::stream<Tcp>;
using Unix = asio::local::stream_protocol::socket;

// Pieces this large are written from their own memory; smaller ones are
// copied together first.
constexpr std::size_t kLargePiece = 64 * 1024;
constexpr std::size_t kOwnMemory = ~std::size_t{0};

template <class Stream>
class PipelinedConnection final : public Connection,
                                  public std::enable_shared_from_this<PipelinedConnection<Stream>> {
 public:
  template <class... StreamArgs>
  PipelinedConnection(asio::io_context& loop, const ConnectionSetup& setup, StreamArgs&&... stream_args)
      : setup_(setup), stream_(loop, std::forward<StreamArgs>(stream_args)...), resolver_(loop), timer_(loop) {}

  void start() {
    log_in();
    arm_timer(setup_.connect_timeout, "connecting took longer than the connect_timeout");
    connect();
  }

  void send(const CommandBuffer& commands, Done done) override {
    if (broken_) return done(broken_why_, {});
    pending_.push_back({commands.count(), {}, std::move(done)});
    reader_.allow_elements(static_cast<long long>(commands.count()));
    commands.pieces(out_);
    if (connected_) watch_requests();
    flush();
  }

  bool broken() const override { return broken_; }

  void close(std::exception_ptr why) override { fail(why); }

 private:
  struct Pending {
    std::size_t expected;
    Replies replies;
    Done done;
  };

  std::string where() const { return "redis at " + setup_.endpoint.address(); }

  // AUTH and SELECT go first; the server refusing them leaves nothing to
  // run under another login.
  void log_in() {
    CommandBuffer login;
    if (!setup_.password.empty()) {
      if (setup_.username.empty())
        login.add({"AUTH", setup_.password});
      else
        login.add({"AUTH", setup_.username, setup_.password});
    }
    if (setup_.db != 0) login.add({"SELECT", std::to_string(setup_.db)});
    if (login.count() == 0) return;
    send(login, [this](std::exception_ptr error, Replies replies) {
      if (error) return;  // broken already: every request got the error
      for (const Reply& reply : replies) {
        if (reply->type != REDIS_REPLY_ERROR) continue;
        const ErrorReply refused = classify_error(text_of(*reply));
        const bool auth = refused.fault == Fault::unauthorized || text_of(*reply).find("AUTH") != std::string_view::npos;
        fail(std::make_exception_ptr(Error(auth ? Errc::unauthorized : Errc::config,
                                           where() + " refused the login: " + refused.message)));
        return;
      }
    });
  }

  void connect() {
    auto self = this->shared_from_this();
    if constexpr (std::is_same_v<Stream, Unix>) {
      stream_.async_connect(asio::local::stream_protocol::endpoint(setup_.endpoint.socket_path),
                            [self](const boost::system::error_code& ec) { self->on_transport(ec); });
    } else {
      resolver_.async_resolve(setup_.endpoint.host, std::to_string(setup_.endpoint.port),
                              [self](const boost::system::error_code& ec, asio::ip::tcp::resolver::results_type found) {
                                if (ec) return self->fail_io("cannot resolve the host", ec);
                                asio::async_connect(tcp_of(self->stream_), found,
                                                    [self](const boost::system::error_code& ec, const auto&) {
                                                      self->on_transport(ec);
                                                    });
                              });
    }
  }

  static Tcp& tcp_of(Stream& stream) {
    if constexpr (std::is_same_v<Stream, Tls>)
      return stream.next_layer();
    else
      return stream;
  }

  void on_transport(const boost::system::error_code& ec) {
    if (broken_) return;
    if (ec) return fail_io("cannot connect", ec);
    if constexpr (!std::is_same_v<Stream, Unix>) tcp_of(stream_).set_option(asio::ip::tcp::no_delay(true));
    if constexpr (std::is_same_v<Stream, Tls>) {
      const std::string& host = setup_.endpoint.host;
      boost::system::error_code parse_error;
      asio::ip::make_address(host, parse_error);
      // SNI takes names only.
      if (parse_error) SSL_set_tlsext_host_name(stream_.native_handle(), host.c_str());
      stream_.set_verify_callback(asio::ssl::host_name_verification(host));
      auto self = this->shared_from_this();
      stream_.async_handshake(asio::ssl::stream_base::client, [self](const boost::system::error_code& ec) {
        if (self->broken_) return;
        if (ec) return self->fail_io("TLS handshake failed", ec);
        self->on_connected();
      });
    } else {
      on_connected();
    }
  }

  void on_connected() {
    connected_ = true;
    cancel_timer();
    watch_requests();
    read();
    flush();
  }

  // Writes what was sent since the last write in one gathering write:
  // large pieces from the requests' own memory, runs of small ones (many
  // requests of a few commands each) copied together, since a write takes
  // at most 64 buffers.
  void flush() {
    if (!connected_ || broken_ || writing_ || out_.empty()) return;
    writing_ = true;
    in_flight_.swap(out_);
    staged_.clear();
    std::vector<std::pair<std::size_t, std::size_t>> runs;  // staged_ offsets, or ~0 for a piece
    for (std::size_t i = 0; i < in_flight_.size(); ++i) {
      const CommandBuffer::Piece& piece = in_flight_[i];
      if (piece.size >= kLargePiece) {
        runs.emplace_back(kOwnMemory, i);
        continue;
      }
      if (runs.empty() || runs.back().first == kOwnMemory) runs.emplace_back(staged_.size(), 0);
      staged_.append(piece.data.get(), piece.size);
      runs.back().second += piece.size;
    }
    buffers_.clear();
    for (const auto& [offset, size_or_index] : runs) {
      if (offset == kOwnMemory)
        buffers_.emplace_back(in_flight_[size_or_index].data.get(), in_flight_[size_or_index].size);
      else
        buffers_.emplace_back(staged_.data() + offset, size_or_index);
    }
    auto self = this->shared_from_this();
    asio::async_write(stream_, buffers_, [self](const boost::system::error_code& ec, std::size_t) {
      self->writing_ = false;
      if (self->broken_) return;
      if (ec) return self->fail_io("sending failed", ec);
      self->in_flight_.clear();
      self->flush();
    });
  }

  void read() {
    auto self = this->shared_from_this();
    stream_.async_read_some(asio::buffer(in_), [self](const boost::system::error_code& ec, std::size_t size) {
      if (self->broken_) return;
      if (ec) return self->fail_io("connection lost", ec);
      try {
        self->reader_.feed(self->in_.data(), size);
        while (Reply reply = self->reader_.next()) {
          self->deliver(std::move(reply));
          if (self->broken_) return;
        }
      } catch (...) {
        return self->fail(std::current_exception());
      }
      self->read();
    });
  }

  void deliver(Reply reply) {
    if (pending_.empty())
      throw Error(Errc::corruption, where() + " sent a reply to no command");
    Pending& front = pending_.front();
    if (front.replies.empty()) front.replies.reserve(front.expected);
    front.replies.push_back(std::move(reply));
    if (front.replies.size() < front.expected) return;
    Pending done = std::move(front);
    pending_.pop_front();
    ++completed_;
    done.done(nullptr, std::move(done.replies));
  }

  // While requests wait, a timer checks every request_timeout that one
  // was answered since the last check (re-arming it on every reply would
  // cost a system call each): a connection silent that long is dropped.
  void watch_requests() {
    if (watching_ || pending_.empty()) return;
    watching_ = true;
    const std::uint64_t generation = ++timer_generation_, completed = completed_;
    timer_.expires_after(setup_.request_timeout);
    std::weak_ptr<PipelinedConnection> weak = this->shared_from_this();
    timer_.async_wait([weak, generation, completed](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->timer_generation_ != generation || self->broken_) return;
      self->watching_ = false;
      if (self->pending_.empty()) return;
      if (self->completed_ == completed)
        return self->fail(std::make_exception_ptr(
            Error(Errc::unavailable, self->where() + ": no reply within the request_timeout")));
      self->watch_requests();
    });
  }

  void arm_timer(std::chrono::milliseconds after, const char* why) {
    const std::uint64_t generation = ++timer_generation_;
    timer_.expires_after(after);
    std::weak_ptr<PipelinedConnection> weak = this->shared_from_this();
    timer_.async_wait([weak, generation, why](const boost::system::error_code& ec) {
      auto self = weak.lock();
      if (ec || !self || self->timer_generation_ != generation || self->broken_) return;
      self->fail(std::make_exception_ptr(Error(Errc::unavailable, self->where() + ": " + why)));
    });
  }

  void cancel_timer() {
    ++timer_generation_;
    watching_ = false;
    timer_.cancel();
  }

  void fail_io(const char* what, const boost::system::error_code& ec) {
    fail(std::make_exception_ptr(Error(Errc::unavailable, where() + ": " + what + " (" + ec.message() + ")")));
  }

  void fail(std::exception_ptr why) {
    if (broken_) return;
    broken_ = true;
    broken_why_ = why;
    cancel_timer();
    boost::system::error_code ignored;
    resolver_.cancel();
    tcp_or_unix().close(ignored);
    std::deque<Pending> waiting;
    waiting.swap(pending_);
    for (Pending& p : waiting) p.done(why, {});
  }

  auto& tcp_or_unix() {
    if constexpr (std::is_same_v<Stream, Unix>)
      return stream_;
    else
      return tcp_of(stream_);
  }

  ConnectionSetup setup_;
  Stream stream_;
  asio::ip::tcp::resolver resolver_;
  asio::steady_timer timer_;
  std::uint64_t timer_generation_ = 0;
  bool connected_ = false;
  bool writing_ = false;
  bool broken_ = false;
  std::exception_ptr broken_why_;
  std::vector<CommandBuffer::Piece> out_;        // sent, not yet being written
  std::vector<CommandBuffer::Piece> in_flight_;  // being written
  std::vector<asio::const_buffer> buffers_;      // in_flight_'s bytes
  std::string staged_;                           // in_flight_'s small pieces, copied together
  bool watching_ = false;                        // the request timer is armed
  std::uint64_t completed_ = 0;                  // requests answered
  std::array<char, 64 * 1024> in_;
  ReplyReader reader_;
  std::deque<Pending> pending_;
};

}  // namespace

std::shared_ptr<Connection> Connection::open(asio::io_context& loop, const ConnectionSetup& setup) {
  if (setup.endpoint.is_unix()) {
    auto c = std::make_shared<PipelinedConnection<Unix>>(loop, setup);
    c->start();
    return c;
  }
  if (setup.tls) {
    auto c = std::make_shared<PipelinedConnection<Tls>>(loop, setup, *setup.tls);
    c->start();
    return c;
  }
  auto c = std::make_shared<PipelinedConnection<Tcp>>(loop, setup);
  c->start();
  return c;
}

}  // namespace bytestore::redis
