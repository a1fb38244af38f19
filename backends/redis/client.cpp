#include "client.h"

#include <bytestore/error.hpp>

#include <boost/asio/steady_timer.hpp>

#include <algorithm>
#include <random>
#include <set>

#include "key_slot.h"
#include "slot_map.h"

namespace bytestore::redis {
namespace {

namespace asio = boost::asio;

constexpr int kMaxRedirects = 16;
constexpr std::chrono::milliseconds kFirstBackoff{50}, kLongestBackoff{2000};

std::exception_ptr error_of(Errc code, std::string message) {
  return std::make_exception_ptr(Error(code, std::move(message)));
}

bool is_unavailable(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.code() == Errc::unavailable;
  } catch (...) {
    return false;
  }
}

}  // namespace

struct Client::Node {
  ConnectionSetup setup;
  std::vector<std::shared_ptr<Connection>> connections;
  std::size_t next = 0;
};

struct Client::Batch {
  std::size_t remaining = 0;
  std::exception_ptr first_error;
  Done done;
};

struct Client::Attempt {
  std::shared_ptr<Batch> batch;
  Request request;
  std::uint64_t retries = 0;
  int redirects = 0;
  std::string ask;  // ASK's node, for the next try only
};

Client::Client(const ServerSettings& server, const RedisOptions& options, Driver driver,
               std::shared_ptr<boost::asio::ssl::context> tls)
    : cluster_(options.cluster),
      shown_(server.shown),
      max_retries_(options.max_retries),
      tls_(std::move(tls)),
      connections_per_node_(options.connections),
      work_(loop_.get_executor()) {
  setup_.endpoint = server.endpoint;
  setup_.username = server.username;
  setup_.password = server.password;
  setup_.db = server.db;
  setup_.connect_timeout = options.connect_timeout;
  setup_.request_timeout = options.request_timeout;
  setup_.tls = tls_.get();
  if (cluster_) slot_owner_.resize(kSlotCount);
  known_nodes_.push_back(setup_.endpoint.address());
  if (driver == Driver::own_thread)
    thread_ = std::thread([this] { loop_.run(); });
  else
    work_.reset();
}

Client::~Client() {
  if (thread_.joinable()) {
    asio::post(loop_, [this] { close_all(); });
    work_.reset();
    thread_.join();
    return;
  }
  close_all();
  loop_.restart();
  loop_.poll();
}

void Client::close_all() {
  closing_ = true;
  const auto why = error_of(Errc::unavailable, "the store is closing");
  for (auto& [address, node] : nodes_)
    for (auto& connection : node->connections)
      if (connection) connection->close(why);
}

void Client::submit(std::vector<Request> requests, Done done) {
  auto all = std::make_shared<std::vector<Request>>(std::move(requests));
  asio::post(loop_, [this, all, done = std::move(done)]() mutable { start(std::move(*all), std::move(done)); });
}

// A call's first attempts go out with one send per node (its requests'
// commands one after another, the replies split among them by count);
// a retry or a redirection goes on its own.
void Client::start(std::vector<Request> requests, Done done) {
  if (requests.empty()) return done(nullptr);
  auto batch = std::make_shared<Batch>();
  batch->remaining = requests.size();
  batch->done = std::move(done);
  std::vector<std::pair<std::string, std::vector<std::shared_ptr<Attempt>>>> by_node;
  for (Request& request : requests) {
    auto attempt = std::make_shared<Attempt>();
    attempt->batch = batch;
    attempt->request = std::move(request);
    std::string address = closing_ ? std::string() : address_of(attempt->request);
    if (address.empty()) {
      dispatch(attempt);
      continue;
    }
    auto node = std::find_if(by_node.begin(), by_node.end(), [&](const auto& n) { return n.first == address; });
    if (node == by_node.end()) node = by_node.insert(by_node.end(), {std::move(address), {}});
    node->second.push_back(std::move(attempt));
  }
  for (auto& [address, attempts] : by_node) {
    if (attempts.size() == 1) {
      dispatch(attempts[0]);
      continue;
    }
    CommandBuffer commands;
    for (const auto& attempt : attempts) commands.append(attempt->request.commands);
    auto shared = std::make_shared<std::vector<std::shared_ptr<Attempt>>>(std::move(attempts));
    connection_to(address)->send(commands, [this, shared, address](std::exception_ptr error, Replies replies) {
      std::size_t at = 0;
      for (const auto& attempt : *shared) {
        const std::size_t count = attempt->request.commands.count();
        on_replies(attempt, address, false, error,
                   error ? ReplySpan() : ReplySpan(replies).subspan(at, count));
        at += count;
      }
    });
  }
}

std::string Client::address_of(const Request& request) const {
  if (!request.node.empty()) return request.node;
  if (!cluster_) return setup_.endpoint.address();
  return slot_owner_[*request.slot];
}

void Client::call(std::vector<Request> requests) {
  if (!thread_.joinable()) {
    // Driven here: the loop runs on this thread until the call ends.
    bool ended = false;
    std::exception_ptr failure;
    start(std::move(requests), [&](std::exception_ptr error) {
      failure = error;
      ended = true;
    });
    loop_.restart();
    while (!ended && loop_.run_one() > 0) {
    }
    if (!ended) throw Error(Errc::internal, "the redis event loop ran out of work before the call ended");
    if (failure) std::rethrow_exception(failure);
    return;
  }
  if (std::this_thread::get_id() == thread_.get_id())
    throw Error(Errc::internal, "a blocking redis call from the store's own event loop");
  std::promise<void> ended;
  submit(std::move(requests), [&ended](std::exception_ptr error) {
    if (error)
      ended.set_exception(error);
    else
      ended.set_value();
  });
  ended.get_future().get();
}

void Client::discover_slots() {
  Request ask;
  ask.commands.add({"CLUSTER", "SLOTS"});
  ask.node = setup_.endpoint.address();
  ask.accept = [this](ReplySpan replies) { apply_slots(*replies[0], setup_.endpoint.address()); };
  call({std::move(ask)});
  const bool covered = on_loop([this] {
    return std::none_of(slot_owner_.begin(), slot_owner_.end(), [](const std::string& a) { return a.empty(); });
  });
  if (!covered)
    throw Error(Errc::unavailable, "the cluster of " + shown_ + " does not serve every hash slot yet (CLUSTER SLOTS)");
}

std::vector<std::string> Client::scan_nodes() {
  return on_loop([this] {
    if (!cluster_) return std::vector<std::string>{setup_.endpoint.address()};
    std::vector<std::string> masters;
    std::set<std::string> seen;
    for (const std::string& owner : slot_owner_)
      if (!owner.empty() && seen.insert(owner).second) masters.push_back(owner);
    return masters;
  });
}

void Client::dispatch(const std::shared_ptr<Attempt>& attempt) {
  if (closing_) return finish(attempt, error_of(Errc::unavailable, "the store is closing"));
  const Request& request = attempt->request;
  std::string address;
  const bool asked = !attempt->ask.empty();
  if (asked) {
    address = std::move(attempt->ask);
    attempt->ask.clear();
  } else {
    address = address_of(request);
    if (address.empty())
      return retry_later(attempt, error_of(Errc::unavailable, "no node of the cluster of " + shown_ +
                                                                  " serves hash slot " +
                                                                  std::to_string(*request.slot)));
  }
  auto handle = [this, attempt, address, asked](std::exception_ptr error, Replies replies) {
    on_replies(attempt, address, asked, error, replies);
  };
  const std::shared_ptr<Connection> connection = connection_to(address);
  if (!asked) return connection->send(request.commands, std::move(handle));
  CommandBuffer asking;
  asking.add({"ASKING"});
  asking.append(request.commands);
  connection->send(asking, std::move(handle));
}

void Client::on_replies(const std::shared_ptr<Attempt>& attempt, const std::string& address, bool asked,
                        std::exception_ptr error, ReplySpan replies) {
  if (error) return is_unavailable(error) ? retry_later(attempt, error) : finish(attempt, error);
  if (asked && !replies.empty()) replies = replies.subspan(1);
  if (!attempt->request.errors_are_answers) {
    for (const Reply& reply : replies) {
      const redisReply* found = first_error(*reply);
      if (!found) continue;
      ErrorReply e = classify_error(text_of(*found));
      const std::string said = "redis at " + address + " answered: " + e.message;
      switch (e.fault) {
        case Fault::moved:
        case Fault::ask:
          if (++attempt->redirects > kMaxRedirects)
            return finish(attempt, error_of(Errc::unavailable, said + " (after " + std::to_string(kMaxRedirects) +
                                                                   " redirections)"));
          if (e.fault == Fault::ask) {
            attempt->ask = e.address;
          } else {
            slot_owner_[static_cast<std::size_t>(e.slot)] = e.address;
            refresh_slots([] {});  // the rest of the map has likely moved too
          }
          return dispatch(attempt);
        case Fault::retry_later:
          return retry_later(attempt, error_of(Errc::unavailable, said));
        case Fault::unauthorized:
          return finish(attempt, error_of(Errc::unauthorized, said));
        case Fault::out_of_memory:
          return finish(attempt, error_of(Errc::unavailable, said));
        case Fault::other:
          return finish(attempt, error_of(Errc::io, said));
      }
    }
  }
  try {
    attempt->request.accept(replies);
  } catch (...) {
    return finish(attempt, std::current_exception());
  }
  finish(attempt, nullptr);
}

void Client::retry_later(const std::shared_ptr<Attempt>& attempt, std::exception_ptr why) {
  if (closing_ || attempt->retries >= max_retries_) return finish(attempt, why);
  thread_local std::minstd_rand jitter(std::random_device{}());
  const std::chrono::milliseconds longest =
      std::min(kLongestBackoff, std::chrono::milliseconds(kFirstBackoff.count() << std::min<std::uint64_t>(attempt->retries, 10)));
  const auto delay = longest / 2 + std::chrono::milliseconds(jitter() % (longest.count() / 2 + 1));
  ++attempt->retries;
  auto timer = std::make_shared<asio::steady_timer>(loop_, delay);
  timer->async_wait([this, attempt, timer](const boost::system::error_code&) {
    if (cluster_ && !closing_) return refresh_slots([this, attempt] { dispatch(attempt); });
    dispatch(attempt);
  });
}

void Client::finish(const std::shared_ptr<Attempt>& attempt, std::exception_ptr error) {
  Batch& batch = *attempt->batch;
  if (error && !batch.first_error) batch.first_error = error;
  if (--batch.remaining == 0) batch.done(batch.first_error);
}

std::shared_ptr<Connection> Client::connection_to(const std::string& address) {
  std::unique_ptr<Node>& node = nodes_[address];
  if (!node) {
    node = std::make_unique<Node>();
    node->setup = setup_;
    if (address != setup_.endpoint.address()) node->setup.endpoint = endpoint_of(address);
    node->connections.resize(connections_per_node_);
  }
  std::shared_ptr<Connection>& connection = node->connections[node->next++ % node->connections.size()];
  if (!connection || connection->broken()) connection = Connection::open(loop_, node->setup);
  return connection;
}

void Client::refresh_slots(std::function<void()> then) {
  slot_waiters_.push_back(std::move(then));
  if (refreshing_) return;
  refreshing_ = true;
  ask_for_slots(0);
}

void Client::ask_for_slots(std::size_t candidate) {
  auto wake = [this] {
    refreshing_ = false;
    std::vector<std::function<void()>> waiters;
    waiters.swap(slot_waiters_);
    for (auto& waiter : waiters) waiter();
  };
  if (closing_ || candidate >= known_nodes_.size()) return wake();
  const std::string address = known_nodes_[candidate];
  CommandBuffer ask;
  ask.add({"CLUSTER", "SLOTS"});
  connection_to(address)->send(ask, [this, candidate, address, wake](std::exception_ptr error, Replies replies) {
    if (error || replies.empty() || replies[0]->type != REDIS_REPLY_ARRAY) return ask_for_slots(candidate + 1);
    try {
      apply_slots(*replies[0], address);
    } catch (const Error&) {
      return ask_for_slots(candidate + 1);
    }
    wake();
  });
}

void Client::apply_slots(const redisReply& slots, const std::string& asked) {
  SlotMap map = parse_cluster_slots(slots, asked);
  slot_owner_ = std::move(map.owners);
  // Who to ask next time: the one that answered, then masters, replicas
  // and the seed.
  std::vector<std::string> known{asked};
  for (const auto* group : {&map.masters, &map.replicas})
    for (const std::string& address : *group) known.push_back(address);
  known.push_back(setup_.endpoint.address());
  std::set<std::string> seen;
  known_nodes_.clear();
  for (std::string& address : known)
    if (seen.insert(address).second) known_nodes_.push_back(std::move(address));
}

}  // namespace bytestore::redis
