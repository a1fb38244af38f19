// Runs requests against a standalone server or a Redis Cluster on an
// Asio event loop: routes each request to the node serving its slot,
// follows MOVED and ASK, reconnects, and retries with backoff what the
// server says is transient. Every request is idempotent, so a retry never
// writes what was not asked.
//
// A client is driven either by a thread of its own (for async calls, from
// any thread) or by the one thread calling call() (a synchronous call
// then runs wholly on the caller's thread, with no hand-off: ClientPool
// gives each caller a client of its own).
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>

#include <chrono>
#include <cstdint>
#include <exception>
#include <functional>
#include <future>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "command_buffer.h"
#include "connection.h"
#include "redis_options.h"
#include "server_address.h"

namespace bytestore::redis {

struct Request {
  CommandBuffer commands;
  // Cluster: the hash slot of each command, which routes it (a node is
  // sent its commands in one go; a redirected or retried command goes
  // again alone or with the others of its node). Empty: the request goes
  // whole, to `node` or to the server.
  std::vector<std::uint16_t> slots;
  std::string node;
  // After its commands, each node is sent WAIT for this many replicas; an
  // answer of fewer fails the call (unavailable).
  std::uint64_t wait_replicas = 0;
  std::chrono::milliseconds wait_timeout{0};
  // Called on the loop with the replies to some of the commands:
  // replies[k] answers commands[indexes[k]]. Each command is answered
  // once; none given to it is an error, unless errors_are_answers. Throws
  // Error to fail the call.
  std::function<void(std::span<const std::size_t> indexes, ReplySpan replies)> accept;
  bool errors_are_answers = false;
  // Cluster: `node` must still serve hash slots (SCAN lists a master's
  // keys); a retry after the map moved them elsewhere fails at once.
  bool master_only = false;
};

class Client {
 public:
  using Done = std::function<void(std::exception_ptr error)>;

  enum class Driver { own_thread, caller };

  // `tls`: from tls_context(), shared by the store's clients; null
  // without TLS.
  Client(const ServerSettings& server, const RedisOptions& options, Driver driver,
         std::shared_ptr<boost::asio::ssl::context> tls);
  ~Client();  // fails what is in flight, stops the loop
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // Runs the requests concurrently; `done` gets the first error, or null,
  // once all have ended. Any thread; `done` runs on the loop. Driver::
  // own_thread only.
  void submit(std::vector<Request> requests, Done done);
  // The same, waiting. Not from the loop; with Driver::caller, one thread
  // at a time.
  void call(std::vector<Request> requests);

  // Cluster: reads the slot map from the seed node; throws when it is not
  // one of a cluster. Waits.
  void discover_slots();
  // Cluster: reads the slot map again, from the first node that answers
  // (after a failover the seed may be gone). Waits.
  void reload_slots();

  bool cluster() const { return cluster_; }
  // The nodes a listing visits: the masters (cluster), or the server.
  std::vector<std::string> scan_nodes();
  const std::string& shown() const { return shown_; }

 private:
  struct Node;
  struct Call;
  struct Attempt;

  void start(std::vector<Request> requests, Done done);
  void close_all();
  std::shared_ptr<Attempt> spawn(const std::shared_ptr<Call>& call, std::size_t request,
                                 std::vector<std::size_t> commands, const Attempt* from);
  // Sends the attempt's commands where they go: by slot (split by node),
  // or whole to its node.
  void route(const std::shared_ptr<Attempt>& attempt);
  void send(const std::shared_ptr<Attempt>& attempt);
  void on_replies(const std::shared_ptr<Attempt>& attempt, std::exception_ptr error, ReplySpan replies);
  // Checks WAIT's answer; null when enough replicas confirmed.
  std::exception_ptr waited(const Request& request, const std::string& node, const redisReply& reply) const;
  void retry_later(const std::shared_ptr<Attempt>& attempt, std::exception_ptr why);
  void fail(const std::shared_ptr<Attempt>& attempt, std::exception_ptr why);
  void retire(const std::shared_ptr<Attempt>& attempt);  // the attempt has ended
  std::shared_ptr<Connection> connection_to(const std::string& address);
  bool serves_slots(const std::string& address) const;
  // Asks the cluster for its slot map, then calls `then` (on the loop).
  void refresh_slots(std::function<void()> then);
  void ask_for_slots(std::size_t candidate);
  void apply_slots(const redisReply& slots, const std::string& asked);

  // Runs `f` where the loop's state may be touched, and waits for it.
  template <class F>
  auto on_loop(F f) {
    if (!thread_.joinable()) return f();
    std::packaged_task<decltype(f())()> task(std::move(f));
    auto result = task.get_future();
    boost::asio::post(loop_, std::move(task));
    return result.get();
  }

  const bool cluster_;
  const std::string shown_;
  ConnectionSetup setup_;  // its endpoint is the seed node's
  const std::uint64_t max_retries_;
  const std::shared_ptr<boost::asio::ssl::context> tls_;
  const std::size_t connections_per_node_;

  boost::asio::io_context loop_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  // Loop-thread state.
  std::map<std::string, std::unique_ptr<Node>> nodes_;
  std::vector<std::string> slot_owner_;  // address per slot; empty: unknown
  std::vector<std::string> known_nodes_;  // masters and replicas, seed first
  std::vector<std::function<void()>> slot_waiters_;
  bool refreshing_ = false;
  bool closing_ = false;
  std::thread thread_;  // last: started once all above is ready
};

}  // namespace bytestore::redis
