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

// One call(): its requests, and how many of its attempts have not ended.
struct Client::Call {
  std::vector<Request> requests;
  std::size_t live = 0;
  std::exception_ptr first_error;
  Done done;
};

// Some of one request's commands on their way to one node.
struct Client::Attempt {
  std::shared_ptr<Call> call;
  std::size_t request = 0;
  std::vector<std::size_t> commands;  // indexes into the request's commands
  std::string node;                   // where they go; set by route() or ASK
  bool asking = false;                // ASK: each command goes after ASKING
  std::uint64_t retries = 0;
  int redirects = 0;
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

void Client::start(std::vector<Request> requests, Done done) {
  auto call = std::make_shared<Call>();
  call->requests = std::move(requests);
  call->done = std::move(done);
  // Held while the first attempts go out, so none ending early ends the call.
  ++call->live;
  for (std::size_t r = 0; r < call->requests.size(); ++r) {
    std::vector<std::size_t> all(call->requests[r].commands.count());
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    route(spawn(call, r, std::move(all), nullptr));
  }
  if (--call->live == 0) call->done(call->first_error);
}

std::shared_ptr<Client::Attempt> Client::spawn(const std::shared_ptr<Call>& call, std::size_t request,
                                               std::vector<std::size_t> commands, const Attempt* from) {
  auto attempt = std::make_shared<Attempt>();
  attempt->call = call;
  attempt->request = request;
  attempt->commands = std::move(commands);
  if (from) {
    attempt->retries = from->retries;
    attempt->redirects = from->redirects;
  }
  ++call->live;
  return attempt;
}

void Client::retire(const std::shared_ptr<Attempt>& attempt) {
  Call& call = *attempt->call;
  if (--call.live == 0) call.done(call.first_error);
}

void Client::fail(const std::shared_ptr<Attempt>& attempt, std::exception_ptr why) {
  if (!attempt->call->first_error) attempt->call->first_error = why;
  retire(attempt);
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
  ask.accept = [this](std::span<const std::size_t>, ReplySpan replies) {
    apply_slots(*replies[0], setup_.endpoint.address());
  };
  call({std::move(ask)});
  const bool covered = on_loop([this] {
    return std::none_of(slot_owner_.begin(), slot_owner_.end(), [](const std::string& a) { return a.empty(); });
  });
  if (!covered)
    throw Error(Errc::unavailable, "the cluster of " + shown_ + " does not serve every hash slot yet (CLUSTER SLOTS)");
}

void Client::reload_slots() {
  if (thread_.joinable()) {
    std::promise<void> done;
    asio::post(loop_, [&] { refresh_slots([&] { done.set_value(); }); });
    done.get_future().get();
    return;
  }
  bool done = false;
  refresh_slots([&done] { done = true; });
  loop_.restart();
  while (!done && loop_.run_one() > 0) {
  }
}

bool Client::serves_slots(const std::string& address) const {
  return std::find(slot_owner_.begin(), slot_owner_.end(), address) != slot_owner_.end();
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

void Client::route(const std::shared_ptr<Attempt>& attempt) {
  if (closing_) return fail(attempt, error_of(Errc::unavailable, "the store is closing"));
  const Request& request = attempt->call->requests[attempt->request];
  attempt->asking = false;
  if (attempt->commands.empty()) return retire(attempt);
  if (request.slots.empty()) {
    attempt->node = request.node.empty() ? setup_.endpoint.address() : request.node;
    if (cluster_ && request.master_only && attempt->retries > 0 && !serves_slots(attempt->node))
      return fail(attempt, error_of(Errc::unavailable, "redis at " + attempt->node +
                                                           " no longer serves any hash slot (a failover)"));
    return send(attempt);
  }
  // The commands by the node serving their slot, in order: a node's slots
  // are mostly one range, so its share is mostly one run of bytes.
  std::vector<std::pair<const std::string*, std::vector<std::size_t>>> by_node;
  std::vector<std::size_t> unserved;
  for (std::size_t i : attempt->commands) {
    const std::string& owner = slot_owner_[request.slots[i]];
    if (owner.empty()) {
      unserved.push_back(i);
      continue;
    }
    if (by_node.empty() || (by_node.back().first != &owner && *by_node.back().first != owner)) {
      auto same = std::find_if(by_node.begin(), by_node.end(), [&](const auto& n) { return *n.first == owner; });
      if (same != by_node.end()) {
        same->second.push_back(i);
        continue;
      }
      by_node.push_back({&owner, {}});
    }
    by_node.back().second.push_back(i);
  }
  if (unserved.empty() && by_node.size() == 1) {
    attempt->node = *by_node[0].first;
    return send(attempt);
  }
  for (auto& [owner, commands] : by_node) {
    auto part = spawn(attempt->call, attempt->request, std::move(commands), attempt.get());
    part->node = *owner;
    send(part);
  }
  if (!unserved.empty()) {
    const std::uint16_t slot = request.slots[unserved[0]];
    retry_later(spawn(attempt->call, attempt->request, std::move(unserved), attempt.get()),
                error_of(Errc::unavailable, "no node of the cluster of " + shown_ + " serves hash slot " +
                                                std::to_string(slot)));
  }
  retire(attempt);
}

void Client::send(const std::shared_ptr<Attempt>& attempt) {
  const Request& request = attempt->call->requests[attempt->request];
  auto handle = [this, attempt](std::exception_ptr error, Replies replies) {
    on_replies(attempt, error, replies);
  };
  const std::shared_ptr<Connection> connection = connection_to(attempt->node);
  const bool whole = attempt->commands.size() == request.commands.count();
  if (whole && !attempt->asking && request.wait_replicas == 0) return connection->send(request.commands, std::move(handle));
  CommandBuffer commands;
  if (attempt->asking) {
    for (std::size_t i : attempt->commands) {
      commands.add({"ASKING"});
      commands.append(request.commands.slice({&i, 1}));
    }
  } else {
    commands = whole ? request.commands : request.commands.slice(attempt->commands);
  }
  if (request.wait_replicas > 0)
    commands.add({"WAIT", std::to_string(request.wait_replicas), std::to_string(request.wait_timeout.count())});
  connection->send(commands, std::move(handle));
}

std::exception_ptr Client::waited(const Request& request, const std::string& node, const redisReply& reply) const {
  if (reply.type == REDIS_REPLY_ERROR)
    return error_of(Errc::unavailable, "redis at " + node + " answered WAIT with: " + std::string(text_of(reply)));
  if (reply.type != REDIS_REPLY_INTEGER)
    return error_of(Errc::corruption, "redis at " + node + " answered WAIT with something other than a number");
  if (static_cast<std::uint64_t>(reply.integer) >= request.wait_replicas) return nullptr;
  return error_of(Errc::unavailable, "only " + std::to_string(reply.integer) + " of the " +
                                         std::to_string(request.wait_replicas) +
                                         " replicas asked (wait_replicas) confirmed the write to " + node +
                                         " within " + std::to_string(request.wait_timeout.count()) +
                                         " ms; it may still reach them");
}

void Client::on_replies(const std::shared_ptr<Attempt>& attempt, std::exception_ptr error, ReplySpan replies) {
  if (error) return is_unavailable(error) ? retry_later(attempt, error) : fail(attempt, error);
  Call& call = *attempt->call;
  const Request& request = call.requests[attempt->request];
  const std::string& node = attempt->node;
  if (request.wait_replicas > 0 && !replies.empty()) {
    if (std::exception_ptr short_of = waited(request, node, *replies.back()); short_of && !call.first_error)
      call.first_error = short_of;
    replies = replies.first(replies.size() - 1);
  }
  // Under ASK, every other reply is ASKING's.
  Replies answers;
  if (attempt->asking) {
    for (std::size_t k = 1; k < replies.size(); k += 2) answers.push_back(std::move(replies[k]));
    replies = answers;
  }
  if (replies.size() != attempt->commands.size())
    return fail(attempt, error_of(Errc::corruption, "redis at " + node + " sent " + std::to_string(replies.size()) +
                                                        " replies to " + std::to_string(attempt->commands.size()) +
                                                        " commands"));
  auto accept = [&](std::span<const std::size_t> indexes, ReplySpan answered) {
    if (indexes.empty() || call.first_error) return;
    try {
      request.accept(indexes, answered);
    } catch (...) {
      call.first_error = std::current_exception();
    }
  };
  std::size_t k = 0;
  while (!request.errors_are_answers && k < replies.size() && !first_error(*replies[k])) ++k;
  if (request.errors_are_answers || k == replies.size()) {  // no error: the common case
    accept(attempt->commands, replies);
    return retire(attempt);
  }
  if (request.slots.empty()) {
    // A request not split by slot (a transaction, a node's SCAN) goes
    // again whole, or fails whole.
    const ErrorReply e = classify_error(text_of(*first_error(*replies[k])));
    const std::string said = "redis at " + node + " answered: " + e.message;
    if (e.message.starts_with("CROSSSLOT"))
      return fail(attempt, error_of(Errc::config, said + " (a cluster node: set cluster: true)"));
    switch (e.fault) {
      case Fault::moved:
      case Fault::ask:
        return fail(attempt, error_of(Errc::config, said + " (a cluster node: set cluster: true)"));
      case Fault::retry_later:
        return retry_later(attempt, error_of(Errc::unavailable, said));
      case Fault::unauthorized:
        return fail(attempt, error_of(Errc::unauthorized, said));
      case Fault::out_of_memory:
        return fail(attempt, error_of(Errc::unavailable, said));
      case Fault::other:
        return fail(attempt, error_of(Errc::io, said));
    }
  }
  // Some commands answered with errors: the rest are accepted; redirected
  // and transient ones go again, on their own.
  std::vector<std::size_t> accepted, moved, again;
  Replies accepted_replies;
  std::exception_ptr why_again;
  for (k = 0; k < replies.size(); ++k) {
    const std::size_t command = attempt->commands[k];
    const redisReply* found = first_error(*replies[k]);
    if (!found) {
      accepted.push_back(command);
      accepted_replies.push_back(std::move(replies[k]));
      continue;
    }
    ErrorReply e = classify_error(text_of(*found));
    const std::string said = "redis at " + node + " answered: " + e.message;
    const bool redirect = e.fault == Fault::moved || e.fault == Fault::ask;
    if (redirect && attempt->redirects >= kMaxRedirects) {
      if (!call.first_error)
        call.first_error = error_of(Errc::unavailable, said + " (after " + std::to_string(kMaxRedirects) +
                                                           " redirections)");
      continue;
    }
    switch (e.fault) {
      case Fault::moved:
        slot_owner_[static_cast<std::size_t>(e.slot)] = e.address;
        moved.push_back(command);
        break;
      case Fault::ask: {
        auto asked = spawn(attempt->call, attempt->request, {command}, attempt.get());
        ++asked->redirects;
        asked->node = e.address;
        asked->asking = true;
        send(asked);
        break;
      }
      case Fault::retry_later:
        again.push_back(command);
        why_again = error_of(Errc::unavailable, said);
        break;
      case Fault::unauthorized:
        if (!call.first_error) call.first_error = error_of(Errc::unauthorized, said);
        break;
      case Fault::out_of_memory:
        if (!call.first_error) call.first_error = error_of(Errc::unavailable, said);
        break;
      case Fault::other:
        if (!call.first_error) call.first_error = error_of(Errc::io, said);
        break;
    }
  }
  accept(accepted, accepted_replies);
  if (!moved.empty()) {
    refresh_slots([] {});  // the rest of the map has likely moved too
    auto redirected = spawn(attempt->call, attempt->request, std::move(moved), attempt.get());
    ++redirected->redirects;
    route(redirected);
  }
  if (!again.empty()) retry_later(spawn(attempt->call, attempt->request, std::move(again), attempt.get()), why_again);
  retire(attempt);
}

void Client::retry_later(const std::shared_ptr<Attempt>& attempt, std::exception_ptr why) {
  if (closing_ || attempt->retries >= max_retries_) return fail(attempt, why);
  thread_local std::minstd_rand jitter(std::random_device{}());
  const std::chrono::milliseconds longest =
      std::min(kLongestBackoff, std::chrono::milliseconds(kFirstBackoff.count() << std::min<std::uint64_t>(attempt->retries, 10)));
  const auto delay = longest / 2 + std::chrono::milliseconds(jitter() % (longest.count() / 2 + 1));
  ++attempt->retries;
  auto timer = std::make_shared<asio::steady_timer>(loop_, delay);
  timer->async_wait([this, attempt, timer](const boost::system::error_code&) {
    if (cluster_ && !closing_) return refresh_slots([this, attempt] { route(attempt); });
    route(attempt);
  });
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
