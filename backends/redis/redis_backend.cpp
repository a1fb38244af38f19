// The `redis` backend: a standalone Redis server or a Redis Cluster, with
// LangChain RedisStore's layout (the value's raw bytes at NAMESPACE/KEY).
// Standalone, every mset and mdelete is one MULTI/EXEC (atomic); on a
// cluster each hash slot's share is its own pipelined request, sent to the
// nodes concurrently. Every call runs on the client's event loop.
#include <bytestore/loopback_host.hpp>
#include <bytestore/plugin_sdk.hpp>

#include <boost/container/small_vector.hpp>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "client.h"
#include "client_pool.h"
#include "key_cursor.h"
#include "key_slot.h"
#include "redis_options.h"
#include "server_address.h"
#include "tls_context.h"

namespace bytestore::redis {
namespace {

// Keys per MGET, MSET or UNLINK: bounded so no one command holds the
// server long.
constexpr std::size_t kKeysPerCommand = 1000;
// The server's default proto-max-bulk-len, when CONFIG GET is refused.
constexpr std::uint64_t kDefaultBulkLimit = 512ull << 20;
constexpr std::uint64_t kMaxConnections = 64;
// SCAN may answer a few times COUNT keys: pages stay far below the
// reader's array limit (ReplyReader::kBaseElementLimit).
constexpr std::uint64_t kMaxPageSize = 100'000;

}  // namespace

class RedisBackend {
 public:
  using Options = RedisOptions;
  static constexpr const char* kName = "redis";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "Redis server or Redis Cluster (LangChain RedisStore's layout): shared, fast, optional TTL.";
  static constexpr Capabilities kDefaultCapabilities{kDefaultBulkLimit, kDefaultBulkLimit, true, false, true, true};

  static void check_options(const Options& options) {
    const ServerSettings server = server_settings(options);
    if (options.connections < 1 || options.connections > kMaxConnections)
      throw Error(Errc::config, "option 'connections' must be between 1 and " + std::to_string(kMaxConnections));
    if (options.page_size < 1 || options.page_size > kMaxPageSize)
      throw Error(Errc::config, "option 'page_size' must be between 1 and " + std::to_string(kMaxPageSize));
    if (options.ttl.count() < 0) throw Error(Errc::config, "option 'ttl' cannot be negative");
    if (options.connect_timeout.count() < 1 || options.request_timeout.count() < 1)
      throw Error(Errc::config, "options 'connect_timeout' and 'request_timeout' must be at least 1 ms");
    if (options.wait_timeout.count() < 0) throw Error(Errc::config, "option 'wait_timeout' cannot be negative");
    if (options.max_retries > 100) throw Error(Errc::config, "option 'max_retries' must be at most 100");
    for (const auto& [name, value] : {std::pair{"ca_file", &options.ca_file}, std::pair{"cert_file", &options.cert_file},
                                      std::pair{"key_file", &options.key_file}})
      if (!value->empty() && !server.tls)
        throw Error(Errc::config, std::string("option '") + name + "' needs TLS: a rediss:// url");
    if (server.endpoint.is_unix() && options.cluster)
      throw Error(Errc::config, "option 'cluster' needs a redis:// or rediss:// url (a cluster node's address)");
    if (!server.password.empty() && !server.tls && !server.endpoint.is_unix() &&
        !sdk::is_loopback_host(server.endpoint.host) && !options.cleartext_password)
      throw Error(Errc::config, "the password would travel in cleartext to " + server.endpoint.host +
                                    ": use a rediss:// url, or set cleartext_password: true");
  }

  static sdk::Location locate(const Options& options) {
    return {"redis " + where(options), sdk::Location::Data::unknown};
  }

  explicit RedisBackend(const Options& options) : RedisBackend(options, server_settings(options)) {}

  RedisBackend(const Options& options, const ServerSettings& server)
      : RedisBackend(options, server, tls_context(server, options)) {}

  RedisBackend(const Options& options, const ServerSettings& server, std::shared_ptr<boost::asio::ssl::context> tls)
      : namespace_(options.namespace_.empty() ? std::string() : options.namespace_ + "/"),
        ttl_ms_(options.ttl.count() > 0 ? std::to_string(options.ttl.count()) : std::string()),
        wait_replicas_(options.wait_replicas),
        wait_timeout_(options.wait_timeout),
        page_size_(options.page_size),
        cluster_(options.cluster),
        pool_(std::make_shared<ClientPool>(server, options, tls, options.connections)) {
    const std::string seed = server.endpoint.address();
    Request ping;
    ping.commands.add({"PING"});
    ping.node = seed;
    ping.accept = [](std::span<const std::size_t>, ReplySpan) {};
    call({std::move(ping)});
    capabilities_ = kDefaultCapabilities;
    const std::uint64_t bulk = bulk_limit(seed);
    capabilities_.max_value_bytes = bulk;
    capabilities_.max_key_bytes = bulk - namespace_.size();
    capabilities_.atomic_batch = !cluster_;
    capabilities_.may_expire = !ttl_ms_.empty();
    async_ = std::make_unique<Client>(server, options, Client::Driver::own_thread, std::move(tls));
    if (cluster_) async_->discover_slots();
  }

  Capabilities capabilities() const { return capabilities_; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) { call(get_requests(keys, sink)); }
  void submit_mget(std::span<const std::string_view> keys, sdk::ValueSink sink, sdk::Completion done) {
    submit(get_requests(keys, sink), done);
  }
  void mset(std::span<const sdk::KeyValueView> pairs) { call(set_requests(pairs)); }
  void submit_mset(std::span<const sdk::KeyValueView> pairs, sdk::Completion done) {
    submit(set_requests(pairs), done);
  }
  void mdelete(std::span<const std::string_view> keys) { call(delete_requests(keys)); }
  void submit_mdelete(std::span<const std::string_view> keys, sdk::Completion done) {
    submit(delete_requests(keys), done);
  }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<KeyCursor>(pool_, stored(prefix), namespace_.size(), page_size_);
  }

 private:
  static std::string where(const Options& options) {
    std::string text = server_settings(options).shown;
    if (options.cluster) text += " (cluster)";
    if (!options.namespace_.empty()) text += ", namespace " + options.namespace_;
    return text;
  }

  std::string stored(std::string_view key) const { return namespace_ + std::string(key); }
  // The stored name of `key`: the key itself without a namespace, else
  // made in `scratch`.
  std::string_view name_of(std::string_view key, std::string& scratch) const {
    if (namespace_.empty()) return key;
    return scratch.assign(namespace_).append(key);
  }

  // The order a call's keys go in, and the commands they make: on a
  // cluster sorted by hash slot (call order kept within a slot), a
  // command per slot and kKeysPerCommand keys; otherwise in call order, a
  // command per kKeysPerCommand keys.
  struct Plan {
    std::vector<std::size_t> order;   // key indexes, in command order
    std::vector<std::size_t> starts;  // command c has order[starts[c], starts[c + 1])
    std::vector<std::uint16_t> slots;  // cluster: the slot of each command
    std::size_t commands() const { return starts.size() - 1; }
  };
  template <class KeyOf>
  Plan plan(std::size_t count, KeyOf key_of, std::size_t per_command = kKeysPerCommand) const {
    Plan p;
    p.order.resize(count);
    if (!cluster_) {
      for (std::size_t i = 0; i < count; ++i) p.order[i] = i;
      for (std::size_t begin = 0; begin < count; begin += per_command) p.starts.push_back(begin);
      p.starts.push_back(count);
      return p;
    }
    std::vector<std::pair<std::uint16_t, std::size_t>> by_slot(count);
    std::string scratch;
    for (std::size_t i = 0; i < count; ++i) {
      scratch.assign(namespace_).append(key_of(i));
      by_slot[i] = {key_slot(scratch), i};
    }
    std::sort(by_slot.begin(), by_slot.end());
    for (std::size_t i = 0; i < count; ++i) {
      p.order[i] = by_slot[i].second;
      if (i == 0 || by_slot[i].first != by_slot[i - 1].first || i - p.starts.back() == per_command) {
        p.starts.push_back(i);
        p.slots.push_back(by_slot[i].first);
      }
    }
    p.starts.push_back(count);
    return p;
  }

  // Adds COMMAND key... for command c of the plan, stored names.
  void add_keyed(CommandBuffer& commands, std::string_view command, std::span<const std::string_view> keys,
                 const Plan& p, std::size_t c) const {
    const std::size_t begin = p.starts[c], end = p.starts[c + 1];
    std::vector<std::string> names;
    boost::container::small_vector<std::string_view, 8> arguments{command};
    arguments.reserve(end - begin + 1);
    if (!namespace_.empty()) {
      names.reserve(end - begin);
      for (std::size_t j = begin; j < end; ++j) names.push_back(stored(keys[p.order[j]]));
      arguments.insert(arguments.end(), names.begin(), names.end());
    } else {
      for (std::size_t j = begin; j < end; ++j) arguments.push_back(keys[p.order[j]]);
    }
    commands.add({arguments.data(), arguments.size()});
  }

  Request write_request(std::vector<std::uint16_t> slots) const {
    Request request;
    request.slots = std::move(slots);
    request.wait_replicas = wait_replicas_;
    request.wait_timeout = wait_timeout_;
    return request;
  }

  // Accepts a transaction's replies: EXEC's is null when the server
  // aborted it.
  static void check_exec(std::span<const std::size_t>, ReplySpan replies) {
    if (replies.back()->type != REDIS_REPLY_ARRAY)
      throw Error(Errc::unavailable, "the server aborted the transaction (EXEC answered null); nothing was written");
  }

  std::vector<Request> get_requests(std::span<const std::string_view> keys, const sdk::ValueSink& sink) const {
    auto p = std::make_shared<Plan>(plan(keys.size(), [&](std::size_t i) { return keys[i]; }));
    Request request;
    for (std::size_t c = 0; c < p->commands(); ++c) add_keyed(request.commands, "MGET", keys, *p, c);
    request.slots = p->slots;
    request.accept = [p, sink](std::span<const std::size_t> commands, ReplySpan replies) {
      for (std::size_t k = 0; k < commands.size(); ++k) {
        const std::size_t begin = p->starts[commands[k]], count = p->starts[commands[k] + 1] - begin;
        const redisReply& values = *replies[k];
        if (values.type != REDIS_REPLY_ARRAY || values.elements != count)
          throw Error(Errc::corruption, "MGET answered with something other than one value per key");
        for (std::size_t j = 0; j < count; ++j)
          if (values.element[j]->type == REDIS_REPLY_STRING) sink(p->order[begin + j], text_of(*values.element[j]));
      }
    };
    std::vector<Request> requests;
    requests.push_back(std::move(request));
    return requests;
  }

  // Standalone: MULTI, then MSET per kKeysPerCommand pairs (SET ... PX
  // per pair with a ttl), then EXEC. Cluster: the same commands per slot,
  // without the transaction.
  std::vector<Request> set_requests(std::span<const sdk::KeyValueView> pairs) const {
    const bool ttl = !ttl_ms_.empty();
    const Plan p = plan(pairs.size(), [&](std::size_t i) { return pairs[i].first; }, ttl ? 1 : kKeysPerCommand);
    Request request = write_request(p.slots);
    if (!cluster_) request.commands.add({"MULTI"});
    std::vector<std::string> keys;
    std::vector<std::string_view> arguments;
    std::string scratch;
    for (std::size_t c = 0; c < p.commands(); ++c) {
      const std::size_t begin = p.starts[c], end = p.starts[c + 1];
      if (ttl) {
        const sdk::KeyValueView& pair = pairs[p.order[begin]];
        request.commands.add({"SET", name_of(pair.first, scratch), pair.second, "PX", ttl_ms_});
        continue;
      }
      // Stored names are made only under a namespace; otherwise the
      // caller's keys go as they are.
      keys.clear();
      if (!namespace_.empty())
        for (std::size_t j = begin; j < end; ++j) keys.push_back(stored(pairs[p.order[j]].first));
      arguments.assign({"MSET"});
      for (std::size_t j = begin; j < end; ++j) {
        const sdk::KeyValueView& pair = pairs[p.order[j]];
        arguments.push_back(namespace_.empty() ? std::string_view(pair.first) : std::string_view(keys[j - begin]));
        arguments.push_back(pair.second);
      }
      request.commands.add(arguments);
    }
    if (!cluster_) {
      request.commands.add({"EXEC"});
      request.accept = check_exec;
    } else {
      request.accept = [](std::span<const std::size_t>, ReplySpan) {};
    }
    std::vector<Request> requests;
    requests.push_back(std::move(request));
    return requests;
  }

  std::vector<Request> delete_requests(std::span<const std::string_view> keys) const {
    const Plan p = plan(keys.size(), [&](std::size_t i) { return keys[i]; });
    Request request = write_request(p.slots);
    // Several UNLINKs are one transaction, so a batch stays all-or-nothing.
    const bool transaction = !cluster_ && p.commands() > 1;
    if (transaction) request.commands.add({"MULTI"});
    for (std::size_t c = 0; c < p.commands(); ++c) add_keyed(request.commands, "UNLINK", keys, p, c);
    if (transaction) request.commands.add({"EXEC"});
    if (transaction)
      request.accept = check_exec;
    else
      request.accept = [](std::span<const std::size_t>, ReplySpan) {};
    std::vector<Request> requests;
    requests.push_back(std::move(request));
    return requests;
  }

  void call(std::vector<Request> requests) {
    pool_->with([&](Client& client) { client.call(std::move(requests)); });
  }

  void submit(std::vector<Request> requests, sdk::Completion done) {
    async_->submit(std::move(requests), [done](std::exception_ptr error) {
      if (error)
        done.fail(error);
      else
        done.succeed();
    });
  }

  // The largest bulk string the server takes, or its default when it
  // will not say (CONFIG is often denied to application users).
  std::uint64_t bulk_limit(const std::string& node) {
    std::uint64_t limit = kDefaultBulkLimit;
    Request ask;
    ask.commands.add({"CONFIG", "GET", "proto-max-bulk-len"});
    ask.node = node;
    ask.errors_are_answers = true;
    ask.accept = [&limit](std::span<const std::size_t>, ReplySpan replies) {
      const redisReply& r = *replies[0];
      if (r.type == REDIS_REPLY_ARRAY && r.elements == 2 && r.element[1]->type == REDIS_REPLY_STRING)
        limit = std::stoull(std::string(text_of(*r.element[1])));
    };
    call({std::move(ask)});
    return limit;
  }

  const std::string namespace_;  // "NAMESPACE/", or empty
  const std::string ttl_ms_;     // empty: no expiry
  const std::uint64_t wait_replicas_;
  const std::chrono::milliseconds wait_timeout_;
  const std::uint64_t page_size_;
  const bool cluster_;
  Capabilities capabilities_;
  std::shared_ptr<ClientPool> pool_;  // synchronous calls, on the caller's thread
  std::unique_ptr<Client> async_;     // last: destroyed first, failing what is in flight
};

}  // namespace bytestore::redis

BYTESTORE_PLUGIN(bytestore::redis::RedisBackend)
