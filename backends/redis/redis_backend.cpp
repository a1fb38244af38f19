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

void check_wait(const redisReply& reply, std::uint64_t wanted, std::chrono::milliseconds timeout) {
  if (reply.type != REDIS_REPLY_INTEGER)
    throw Error(Errc::corruption, "WAIT answered with something other than a number");
  if (static_cast<std::uint64_t>(reply.integer) < wanted)
    throw Error(Errc::unavailable, "only " + std::to_string(reply.integer) + " of the " + std::to_string(wanted) +
                                       " replicas asked (wait_replicas) confirmed the write within " +
                                       std::to_string(timeout.count()) + " ms; it may still reach them");
}

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
    ping.accept = [](ReplySpan) {};
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

  // The keys of a call grouped as requests go: by hash slot on a cluster,
  // all in one group otherwise; each group in call order.
  struct Group {
    int slot;  // -1: not a cluster
    std::vector<std::size_t> indexes;
  };
  template <class KeyOf>
  std::vector<Group> groups(std::size_t count, KeyOf key_of) const {
    std::vector<Group> all;
    if (!cluster_) {
      all.push_back({-1, std::vector<std::size_t>(count)});
      for (std::size_t i = 0; i < count; ++i) all[0].indexes[i] = i;
      return all;
    }
    // (slot, index) pairs sorted: each slot's keys together, in call order.
    std::vector<std::pair<std::uint16_t, std::size_t>> slots(count);
    std::string scratch;
    for (std::size_t i = 0; i < count; ++i) {
      const std::string_view key = key_of(i);
      scratch.assign(namespace_).append(key);
      slots[i] = {key_slot(scratch), i};
    }
    std::sort(slots.begin(), slots.end());
    for (std::size_t i = 0; i < count; ++i) {
      if (i == 0 || slots[i].first != slots[i - 1].first) all.push_back({slots[i].first, {}});
      all.back().indexes.push_back(slots[i].second);
    }
    return all;
  }

  // Adds COMMAND key... for keys[indexes[begin, end)], stored names.
  void add_keyed(CommandBuffer& commands, std::string_view command, std::span<const std::string_view> keys,
                 const std::vector<std::size_t>& indexes, std::size_t begin, std::size_t end) const {
    std::vector<std::string> names;
    boost::container::small_vector<std::string_view, 8> arguments{command};
    arguments.reserve(end - begin + 1);
    if (!namespace_.empty()) {
      names.reserve(end - begin);
      for (std::size_t j = begin; j < end; ++j) names.push_back(stored(keys[indexes[j]]));
      arguments.insert(arguments.end(), names.begin(), names.end());
    } else {
      for (std::size_t j = begin; j < end; ++j) arguments.push_back(keys[indexes[j]]);
    }
    commands.add({arguments.data(), arguments.size()});
  }

  Request request_for(int slot) const {
    Request request;
    if (slot >= 0) request.slot = static_cast<std::uint16_t>(slot);
    return request;
  }

  void add_wait(Request& request) const {
    if (wait_replicas_ > 0)
      request.commands.add({"WAIT", std::to_string(wait_replicas_), std::to_string(wait_timeout_.count())});
  }
  // What checks a write request's replies: EXEC's (a transaction), then
  // WAIT's. Holds copies: a call may end after the backend is gone.
  std::function<void(ReplySpan)> write_check(bool transaction) const {
    return [transaction, wanted = wait_replicas_, timeout = wait_timeout_](ReplySpan replies) {
      if (transaction) {
        // EXEC's reply is null when the server aborted the transaction.
        const redisReply& exec = *replies[replies.size() - (wanted > 0 ? 2 : 1)];
        if (exec.type != REDIS_REPLY_ARRAY)
          throw Error(Errc::unavailable, "the server aborted the transaction (EXEC answered null); nothing was written");
      }
      if (wanted > 0) check_wait(*replies.back(), wanted, timeout);
    };
  }

  std::vector<Request> get_requests(std::span<const std::string_view> keys, const sdk::ValueSink& sink) const {
    std::vector<Group> all = groups(keys.size(), [&](std::size_t i) { return keys[i]; });
    std::vector<Request> requests;
    requests.reserve(all.size());
    for (auto& [slot, indexes] : all) {
      for (std::size_t begin = 0; begin < indexes.size(); begin += kKeysPerCommand) {
        const std::size_t end = std::min(indexes.size(), begin + kKeysPerCommand);
        Request request = request_for(slot);
        add_keyed(request.commands, "MGET", keys, indexes, begin, end);
        std::vector<std::size_t> places = begin == 0 && end == indexes.size()
                                              ? std::move(indexes)
                                              : std::vector<std::size_t>(indexes.begin() + begin, indexes.begin() + end);
        request.accept = [places = std::move(places), sink](ReplySpan replies) {
          const redisReply& values = *replies[0];
          if (values.type != REDIS_REPLY_ARRAY || values.elements != places.size())
            throw Error(Errc::corruption, "MGET answered with something other than one value per key");
          for (std::size_t j = 0; j < places.size(); ++j)
            if (values.element[j]->type == REDIS_REPLY_STRING) sink(places[j], text_of(*values.element[j]));
        };
        requests.push_back(std::move(request));
      }
    }
    return requests;
  }

  // Adds the writes of pairs[indexes]: SET ... PX with a ttl, else MSET
  // in chunks.
  void add_writes(CommandBuffer& commands, std::span<const sdk::KeyValueView> pairs,
                  const std::vector<std::size_t>& indexes) const {
    if (!ttl_ms_.empty()) {
      for (std::size_t i : indexes) {
        const std::string key = stored(pairs[i].first);
        commands.add({"SET", key, pairs[i].second, "PX", ttl_ms_});
      }
      return;
    }
    for (std::size_t begin = 0; begin < indexes.size(); begin += kKeysPerCommand) {
      const std::size_t end = std::min(indexes.size(), begin + kKeysPerCommand);
      std::vector<std::string> keys;
      keys.reserve(end - begin);
      std::vector<std::string_view> arguments{"MSET"};
      for (std::size_t j = begin; j < end; ++j) keys.push_back(stored(pairs[indexes[j]].first));
      for (std::size_t j = begin; j < end; ++j) {
        arguments.push_back(keys[j - begin]);
        arguments.push_back(pairs[indexes[j]].second);
      }
      commands.add(arguments);
    }
  }

  std::vector<Request> set_requests(std::span<const sdk::KeyValueView> pairs) const {
    std::vector<Group> all = groups(pairs.size(), [&](std::size_t i) { return pairs[i].first; });
    std::vector<Request> requests;
    requests.reserve(all.size());
    for (auto& [slot, indexes] : all) {
      Request request = request_for(slot);
      if (!cluster_) request.commands.add({"MULTI"});
      add_writes(request.commands, pairs, indexes);
      if (!cluster_) request.commands.add({"EXEC"});
      add_wait(request);
      request.accept = write_check(!cluster_);
      requests.push_back(std::move(request));
    }
    return requests;
  }

  std::vector<Request> delete_requests(std::span<const std::string_view> keys) const {
    std::vector<Group> all = groups(keys.size(), [&](std::size_t i) { return keys[i]; });
    std::vector<Request> requests;
    requests.reserve(all.size());
    for (auto& [slot, indexes] : all) {
      Request request = request_for(slot);
      // Several UNLINKs are one transaction, so a batch stays all-or-nothing.
      const bool transaction = !cluster_ && indexes.size() > kKeysPerCommand;
      if (transaction) request.commands.add({"MULTI"});
      for (std::size_t begin = 0; begin < indexes.size(); begin += kKeysPerCommand) {
        const std::size_t end = std::min(indexes.size(), begin + kKeysPerCommand);
        add_keyed(request.commands, "UNLINK", keys, indexes, begin, end);
      }
      if (transaction) request.commands.add({"EXEC"});
      add_wait(request);
      request.accept = write_check(transaction);
      requests.push_back(std::move(request));
    }
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
    ask.accept = [&limit](ReplySpan replies) {
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
