// One connection to one Redis node, over TCP, TLS or a unix socket, on the
// store's event loop. Pipelined: requests go out in the order sent and
// each gets its replies back in that order. Logging in (AUTH, SELECT) is
// the first request; a refused login breaks the connection, so nothing
// ever runs as another user.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "command_buffer.h"
#include "reply.h"
#include "server_address.h"

namespace bytestore::redis {

using Replies = std::vector<Reply>;
// One request's share of the replies a connection read.
using ReplySpan = std::span<Reply>;

struct ConnectionSetup {
  Endpoint endpoint;
  boost::asio::ssl::context* tls = nullptr;  // null: no TLS
  std::string username;
  std::string password;
  int db = 0;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds request_timeout{10000};
};

class Connection {
 public:
  // Called on the loop with the replies, or with the error that broke the
  // connection first (Error(unavailable), or unauthorized at login).
  using Done = std::function<void(std::exception_ptr error, Replies replies)>;

  // Starts connecting; requests sent meanwhile wait for it. Loop thread.
  static std::shared_ptr<Connection> open(boost::asio::io_context& loop, const ConnectionSetup& setup);
  virtual ~Connection() = default;

  // Loop thread only.
  virtual void send(const CommandBuffer& commands, Done done) = 0;
  virtual bool broken() const = 0;
  // Fails every waiting request with `why` and closes.
  virtual void close(std::exception_ptr why) = 0;
};

}  // namespace bytestore::redis
