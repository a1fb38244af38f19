// The redis backend against hiredis written by hand, on Redis 7 servers the
// run starts (tests/support/local_redis.h): BM_Redis_* on one server,
// BM_RedisCluster_* on a cluster of three masters with a replica each.
// Every workload runs four ways, back to back:
//   .../ByteStore/<params>  the backend (`backend: redis`, and `cluster: true`)
//   .../Raw/<params>        the commands the backend sends, by hand over
//                           blocking hiredis connections: mget one MGET per
//                           1,000 keys; mset MULTI, one MSET per 1,000 pairs,
//                           EXEC, in one round trip. On the cluster one MGET
//                           or MSET per hash slot to the master serving it,
//                           sent to every master before any reply is read.
//   .../LangChain/<params>  RedisStore's requests (through redis-py): mget
//                           one MGET of every key; mset one pipeline of
//                           SET key value, which redis-py wraps in MULTI/EXEC
//                           on a server (pipeline()'s transaction=True) and
//                           splits by node on a cluster. On the cluster the
//                           one MGET spans hash slots: it fails with the
//                           server's CROSSSLOT error.
//   .../Paired/<params>     ByteStore and Raw again, call after call in one
//                           benchmark, each call timed (counters
//                           bytestore_ns, raw_ns, ratio): the figure the
//                           target is judged on, since calls microseconds
//                           apart share the machine's moment.
// Each benchmark has keys of its own. Before timing, one check compares
// what mget returns with what was written, through GET and SET key by key
// on connections of their own.
#include <hiredis/hiredis.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "../../backends/redis/key_slot.h"
#include "local_redis.h"
#include "suite.h"

namespace bytestore::bench {
namespace {

using redis::key_slot;

// The backend's bound on keys per MGET or MSET.
constexpr std::size_t kKeysPerCommand = 1000;

struct ReplyDeleter {
  void operator()(redisReply* reply) const { freeReplyObject(reply); }
};
using Reply = std::unique_ptr<redisReply, ReplyDeleter>;

std::string_view text_of(const redisReply& reply) { return {reply.str, reply.len}; }

// One command's arguments as hiredis takes them: views of the caller's
// strings, nothing copied.
class Command {
 public:
  void clear() {
    argv_.clear();
    lengths_.clear();
  }
  Command& operator<<(std::string_view argument) {
    argv_.push_back(argument.data());
    lengths_.push_back(argument.size());
    return *this;
  }
  int argc() const { return static_cast<int>(argv_.size()); }
  const char** argv() { return argv_.data(); }
  const std::size_t* lengths() const { return lengths_.data(); }

 private:
  std::vector<const char*> argv_;
  std::vector<std::size_t> lengths_;
};

// One blocking connection to one node.
class Connection {
 public:
  Connection(std::string host, int port)
      : where_(host + ":" + std::to_string(port)), context_(redisConnect(host.c_str(), port)) {
    if (!context_) throw std::bad_alloc();
    if (context_->err) {
      const std::string why = context_->errstr;
      redisFree(context_);
      throw std::runtime_error("redis at " + where_ + ": cannot connect (" + why + ")");
    }
  }
  ~Connection() { redisFree(context_); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  const std::string& where() const { return where_; }

  // Into hiredis's output buffer; nothing is sent yet.
  void append(Command& command) {
    if (redisAppendCommandArgv(context_, command.argc(), command.argv(), command.lengths()) != REDIS_OK)
      fail("formatting a command");
  }
  // Everything appended, to the kernel; replies are left for read().
  void flush() {
    for (int done = 0; !done;)
      if (redisBufferWrite(context_, &done) != REDIS_OK) fail("sending");
  }
  // The next reply; an error reply throws with the server's words.
  Reply read() {
    void* reply = nullptr;
    if (redisGetReply(context_, &reply) != REDIS_OK) fail("reading");
    Reply owned(static_cast<redisReply*>(reply));
    if (owned->type == REDIS_REPLY_ERROR)
      throw std::runtime_error("redis at " + where_ + " answered: " + std::string(text_of(*owned)));
    return owned;
  }

 private:
  [[noreturn]] void fail(const char* what) const {
    throw std::runtime_error("redis at " + where_ + ": " + what + " failed (" + context_->errstr + ")");
  }

  std::string where_;
  redisContext* context_;
};

// The nodes a client writes to, one connection each, and which of them
// serves each hash slot: a server is one node serving every key; on a
// cluster the masters, from one CLUSTER SLOTS of the seed.
class Nodes {
 public:
  Nodes(int port, bool cluster) {
    connections_.push_back(std::make_unique<Connection>("127.0.0.1", port));
    if (!cluster) return;
    Connection seed("127.0.0.1", port);
    Command ask;
    ask << "CLUSTER" << "SLOTS";
    seed.append(ask);
    const Reply slots = seed.read();
    connections_.clear();
    owner_.assign(redis::kSlotCount, kNone);
    std::map<std::string, std::size_t> index;
    for (std::size_t i = 0; i < slots->elements; ++i) {
      // [first slot, last slot, [host, port, id], replicas...]
      const redisReply& range = *slots->element[i];
      const redisReply& master = *range.element[2];
      const std::string host(text_of(*master.element[0]));
      const int master_port = static_cast<int>(master.element[1]->integer);
      const auto [at, added] = index.emplace(host + ":" + std::to_string(master_port), connections_.size());
      if (added) connections_.push_back(std::make_unique<Connection>(host, master_port));
      for (long long s = range.element[0]->integer; s <= range.element[1]->integer; ++s)
        owner_[static_cast<std::size_t>(s)] = at->second;
    }
    if (std::find(owner_.begin(), owner_.end(), kNone) != owner_.end())
      throw std::runtime_error("CLUSTER SLOTS of " + seed.where() + " leaves slots unserved");
  }

  bool cluster() const { return !owner_.empty(); }
  std::size_t size() const { return connections_.size(); }
  Connection& node(std::size_t n) { return *connections_[n]; }
  std::size_t node_of_slot(std::uint16_t slot) const { return owner_.empty() ? 0 : owner_[slot]; }
  std::size_t node_of(std::string_view key) const { return owner_.empty() ? 0 : owner_[key_slot(key)]; }
  void flush_all() {
    for (auto& c : connections_) c->flush();
  }

 private:
  static constexpr std::size_t kNone = ~std::size_t{0};
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::size_t> owner_;  // node per slot; empty: not a cluster
};

void check_array(const redisReply& reply, std::size_t elements, const char* what) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != elements)
    throw std::runtime_error(std::string(what) + " answered with something other than " + std::to_string(elements) +
                             " replies");
}

// EXEC's answer: null if the server aborted the transaction, else one
// reply per queued command, any of which may be an error.
void check_exec(const redisReply& reply, std::size_t commands) {
  check_array(reply, commands, "EXEC");
  for (std::size_t i = 0; i < reply.elements; ++i)
    if (reply.element[i]->type == REDIS_REPLY_ERROR)
      throw std::runtime_error("EXEC answered: " + std::string(text_of(*reply.element[i])));
}

// MGET's answer for keys[places[i]] into values[places[i]].
void take_values(const redisReply& reply, const std::vector<std::size_t>& places, Values& values) {
  check_array(reply, places.size(), "MGET");
  for (std::size_t i = 0; i < places.size(); ++i)
    if (reply.element[i]->type == REDIS_REPLY_STRING)
      values[places[i]].emplace(reply.element[i]->str, reply.element[i]->len);
}

// One command per key, each to the node serving the key, every node sent
// to before any reply is read: the replies in key order.
template <class Build>
std::vector<Reply> one_per_key(Nodes& nodes, std::size_t count, Build&& build) {
  std::vector<std::vector<std::size_t>> sent(nodes.size());
  Command command;
  for (std::size_t i = 0; i < count; ++i) {
    command.clear();
    const std::size_t n = nodes.node_of(build(i, command));
    nodes.node(n).append(command);
    sent[n].push_back(i);
  }
  nodes.flush_all();
  std::vector<Reply> replies(count);
  for (std::size_t n = 0; n < nodes.size(); ++n)
    for (std::size_t i : sent[n]) replies[i] = nodes.node(n).read();
  return replies;
}

// What the backend sends, by hand.
class RawRedis {
 public:
  RawRedis(int port, bool cluster) : nodes_(port, cluster) {}

  Values mget(std::span<const std::string> keys) {
    Values values(keys.size());
    if (!nodes_.cluster()) {
      Connection& c = nodes_.node(0);
      for (std::size_t begin = 0; begin < keys.size(); begin += kKeysPerCommand) {
        command_.clear();
        command_ << "MGET";
        for (std::size_t i = begin; i < std::min(keys.size(), begin + kKeysPerCommand); ++i) command_ << keys[i];
        c.append(command_);
      }
      for (std::size_t begin = 0; begin < keys.size(); begin += kKeysPerCommand) {
        const std::size_t end = std::min(keys.size(), begin + kKeysPerCommand);
        places_.clear();
        for (std::size_t i = begin; i < end; ++i) places_.push_back(i);
        take_values(*c.read(), places_, values);
      }
      return values;
    }
    const std::vector<std::vector<Span>> sent =
        send_by_slot(keys.size(), [&](std::size_t i) -> std::string_view { return keys[i]; }, "MGET",
                     [&](std::size_t i) { command_ << keys[i]; });
    for (std::size_t n = 0; n < sent.size(); ++n)
      for (const Span& span : sent[n]) {
        places_.clear();
        for (std::size_t j = span.begin; j < span.end; ++j) places_.push_back(by_slot_[j].second);
        take_values(*nodes_.node(n).read(), places_, values);
      }
    return values;
  }

  void mset(std::span<const KeyValue> pairs) {
    if (!nodes_.cluster()) {
      Connection& c = nodes_.node(0);
      command_.clear();
      command_ << "MULTI";
      c.append(command_);
      std::size_t chunks = 0;
      for (std::size_t begin = 0; begin < pairs.size(); begin += kKeysPerCommand, ++chunks) {
        command_.clear();
        command_ << "MSET";
        for (std::size_t i = begin; i < std::min(pairs.size(), begin + kKeysPerCommand); ++i)
          command_ << pairs[i].first << pairs[i].second;
        c.append(command_);
      }
      command_.clear();
      command_ << "EXEC";
      c.append(command_);
      for (std::size_t i = 0; i < chunks + 1; ++i) c.read();  // OK, then QUEUED per MSET
      check_exec(*c.read(), chunks);
      return;
    }
    const std::vector<std::vector<Span>> sent =
        send_by_slot(pairs.size(), [&](std::size_t i) -> std::string_view { return pairs[i].first; }, "MSET",
                     [&](std::size_t i) { command_ << pairs[i].first << pairs[i].second; });
    for (std::size_t n = 0; n < sent.size(); ++n)
      for (std::size_t k = 0; k < sent[n].size(); ++k) nodes_.node(n).read();
  }

 private:
  struct Span {
    std::size_t begin, end;  // into by_slot_
  };

  // Cluster: the items sorted by hash slot (call order kept within a
  // slot), one `name` command per slot and 1,000 items, each appended to
  // the node serving its slot, then every node flushed. Returns, per node,
  // the spans of by_slot_ its commands carry, in the order sent.
  template <class KeyOf, class AddItem>
  std::vector<std::vector<Span>> send_by_slot(std::size_t count, KeyOf key_of, const char* name, AddItem add_item) {
    by_slot_.clear();
    for (std::size_t i = 0; i < count; ++i) by_slot_.emplace_back(key_slot(key_of(i)), i);
    std::sort(by_slot_.begin(), by_slot_.end());
    std::vector<std::vector<Span>> sent(nodes_.size());
    for (std::size_t begin = 0; begin < count;) {
      std::size_t end = begin + 1;
      while (end < count && end - begin < kKeysPerCommand && by_slot_[end].first == by_slot_[begin].first) ++end;
      command_.clear();
      command_ << name;
      for (std::size_t j = begin; j < end; ++j) add_item(by_slot_[j].second);
      const std::size_t n = nodes_.node_of_slot(by_slot_[begin].first);
      nodes_.node(n).append(command_);
      sent[n].push_back({begin, end});
      begin = end;
    }
    nodes_.flush_all();
    return sent;
  }

  Nodes nodes_;
  Command command_;
  std::vector<std::pair<std::uint16_t, std::size_t>> by_slot_;
  std::vector<std::size_t> places_;
};

// LangChain RedisStore's requests, by hand.
class LangChainPattern {
 public:
  LangChainPattern(int port, bool cluster) : nodes_(port, cluster) {}

  // One MGET of every key, to the node serving the first: on a cluster
  // the server refuses it unless every key is in that one slot.
  Values mget(std::span<const std::string> keys) {
    Values values(keys.size());
    command_.clear();
    command_ << "MGET";
    for (const std::string& key : keys) command_ << key;
    Connection& c = nodes_.node(nodes_.node_of(keys.front()));
    c.append(command_);
    Reply reply;
    try {
      reply = c.read();
    } catch (const std::runtime_error& e) {
      const std::string said = e.what();
      const std::size_t at = said.find("CROSSSLOT");
      if (at == std::string::npos) throw;
      // The server's words first: the page shows them as they are, and
      // bench.redis_smoke lets through this error alone.
      throw std::runtime_error(said.substr(at) + " (one MGET of " + std::to_string(keys.size()) + " keys in " +
                               std::to_string(slot_count(keys)) + " hash slots)");
    }
    places_.resize(keys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) places_[i] = i;
    take_values(*reply, places_, values);
    return values;
  }

  // One pipeline of SET key value: in MULTI/EXEC on a server, split by
  // node on a cluster.
  void mset(std::span<const KeyValue> pairs) {
    if (!nodes_.cluster()) {
      Connection& c = nodes_.node(0);
      command_.clear();
      command_ << "MULTI";
      c.append(command_);
      for (const KeyValue& pair : pairs) {
        command_.clear();
        command_ << "SET" << pair.first << pair.second;
        c.append(command_);
      }
      command_.clear();
      command_ << "EXEC";
      c.append(command_);
      for (std::size_t i = 0; i < pairs.size() + 1; ++i) c.read();  // OK, then QUEUED per SET
      check_exec(*c.read(), pairs.size());
      return;
    }
    one_per_key(nodes_, pairs.size(), [&](std::size_t i, Command& command) -> std::string_view {
      command << "SET" << pairs[i].first << pairs[i].second;
      return pairs[i].first;
    });
  }

 private:
  static std::size_t slot_count(std::span<const std::string> keys) {
    std::vector<bool> seen(redis::kSlotCount);
    for (const std::string& key : keys) seen[key_slot(key)] = true;
    return static_cast<std::size_t>(std::count(seen.begin(), seen.end(), true));
  }

  Nodes nodes_;
  Command command_;
  std::vector<std::size_t> places_;
};

// GET and SET key by key, on connections of its own: what the checks
// compare each side with.
class Checker {
 public:
  Checker(int port, bool cluster) : nodes_(port, cluster) {}

  void write(std::span<const KeyValue> pairs) {
    one_per_key(nodes_, pairs.size(), [&](std::size_t i, Command& command) -> std::string_view {
      command << "SET" << pairs[i].first << pairs[i].second;
      return pairs[i].first;
    });
  }

  // What is wrong with `got` as the values of `pairs`, or "".
  static std::string wrong(std::span<const KeyValue> pairs, const Values& got) {
    if (got.size() != pairs.size())
      return std::to_string(got.size()) + " answers for " + std::to_string(pairs.size()) + " keys";
    for (std::size_t i = 0; i < pairs.size(); ++i) {
      if (!got[i]) return "key " + pairs[i].first + " written but not found";
      if (*got[i] != pairs[i].second)
        return "key " + pairs[i].first + " read back " + std::to_string(got[i]->size()) +
               " bytes other than the " + std::to_string(pairs[i].second.size()) + " written";
    }
    return {};
  }

  // What is wrong with what the server holds for `pairs`, or "".
  std::string wrong_stored(std::span<const KeyValue> pairs) {
    const std::vector<Reply> replies = one_per_key(nodes_, pairs.size(), [&](std::size_t i, Command& command) {
      command << "GET" << pairs[i].first;
      return std::string_view(pairs[i].first);
    });
    Values got(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i)
      if (replies[i]->type == REDIS_REPLY_STRING) got[i].emplace(replies[i]->str, replies[i]->len);
    return wrong(pairs, got);
  }

 private:
  Nodes nodes_;
};

// The three sides and the checker over one server or one cluster.
struct Sides {
  Sides(int port, bool cluster, const std::string& url)
      : store(open_yaml("stores:\n  r: { backend: redis, url: '" + url + "'" + (cluster ? ", cluster: true" : "") +
                            " }\n",
                        "r")),
        raw(port, cluster),
        langchain(port, cluster),
        checker(port, cluster) {}

  std::unique_ptr<ByteStore> store;
  RawRedis raw;
  LangChainPattern langchain;
  Checker checker;
};

Sides& standalone() {
  static Sides* sides = [] {
    auto* server = new testing::LocalRedis();
    auto* s = new Sides(server->port(), false, server->url());
    on_close([server, s] {
      delete s;
      delete server;
    });
    return s;
  }();
  return *sides;
}

Sides& cluster() {
  static Sides* sides = [] {
    auto* nodes = new testing::LocalRedisCluster();
    auto* s = new Sides(nodes->ports().front(), true, nodes->seed_url());
    on_close([nodes, s] {
      delete s;
      delete nodes;
    });
    return s;
  }();
  return *sides;
}

// The timed calls, out of line so that a profile can count exactly them.
template <class Side>
[[gnu::noinline]] Values timed_redis_mget(Side& side, std::span<const std::string> keys) {
  return side.mget(keys);
}
template <class Side>
[[gnu::noinline]] void timed_redis_mset(Side& side, std::span<const KeyValue> pairs) {
  side.mset(pairs);
}

enum class Op { mget, mset };

// One benchmark's keys and values, made on its first run, and the outcome
// of its check, done once.
struct Case {
  std::string prefix;  // "bench/<topology>/<side>/<op>/<batch>x<bytes>/"
  std::size_t batch;
  std::size_t bytes;
  std::vector<std::string> keys;
  std::vector<KeyValue> pairs;
  bool checked = false;
  std::string wrong;

  void make() {
    if (!pairs.empty()) return;
    for (std::size_t i = 0; i < batch; ++i) {
      keys.push_back(prefix + std::to_string(i));
      pairs.emplace_back(keys.back(), value_of(bytes, static_cast<unsigned>(i)));
    }
  }
};

// Makes the case's keys and checks, once, that the side reads and writes
// them correctly; false (the benchmark skipped, saying why) if not.
template <class Side>
bool ready(benchmark::State& state, Sides& sides, Side& side, Op op, Case& c) {
  c.make();
  if (!c.checked) {
    c.checked = true;
    try {
      if (op == Op::mget) {
        sides.checker.write(c.pairs);
        c.wrong = Checker::wrong(c.pairs, side.mget(c.keys));
      } else {
        side.mset(c.pairs);
        c.wrong = sides.checker.wrong_stored(c.pairs);
      }
    } catch (const std::exception& e) {
      c.wrong = e.what();
    }
  }
  if (!c.wrong.empty()) state.SkipWithError(c.wrong.c_str());
  return c.wrong.empty();
}

template <class Side>
void call(Side& side, Op op, Case& c) {
  if (op == Op::mget) {
    Values values = timed_redis_mget(side, c.keys);
    benchmark::DoNotOptimize(values.data());
  } else {
    timed_redis_mset(side, c.pairs);
  }
}

template <class Side>
void run(benchmark::State& state, Sides& (*sides_of)(), Side& (*side_of)(Sides&), Op op, Case& c) {
  guarded(state, [&] {
    Sides& sides = sides_of();
    Side& side = side_of(sides);
    if (!ready(state, sides, side, op, c)) return;
    for (auto _ : state) call(side, op, c);
    report_keys(state, c.batch);
  });
}

// ByteStore and hiredis by hand call after call, in turns (which goes
// first alternates), each call timed: both sides of the ratio meet the
// same moment of the machine, so a burst of other work costs both.
// Counters: each side's mean time per call and their ratio.
void run_paired(benchmark::State& state, Sides& (*sides_of)(), Op op, Case& ours, Case& theirs) {
  guarded(state, [&] {
    Sides& sides = sides_of();
    if (!ready(state, sides, *sides.store, op, ours) || !ready(state, sides, sides.raw, op, theirs)) return;
    using Clock = std::chrono::steady_clock;
    Clock::duration ours_total{}, theirs_total{};
    bool ours_first = true;
    for (auto _ : state) {
      const Clock::time_point start = Clock::now();
      if (ours_first)
        call(*sides.store, op, ours);
      else
        call(sides.raw, op, theirs);
      const Clock::time_point middle = Clock::now();
      if (ours_first)
        call(sides.raw, op, theirs);
      else
        call(*sides.store, op, ours);
      const Clock::time_point end = Clock::now();
      (ours_first ? ours_total : theirs_total) += middle - start;
      (ours_first ? theirs_total : ours_total) += end - middle;
      ours_first = !ours_first;
      state.SetIterationTime(std::chrono::duration<double>(end - start).count());
    }
    const double calls = static_cast<double>(state.iterations());
    const auto ns = [](Clock::duration d) { return std::chrono::duration<double, std::nano>(d).count(); };
    state.counters["bytestore_ns"] = ns(ours_total) / calls;
    state.counters["raw_ns"] = ns(theirs_total) / calls;
    state.counters["ratio"] = theirs_total.count() > 0 ? ns(ours_total) / ns(theirs_total) : 0;
  });
}

ByteStore& bytestore_side(Sides& s) { return *s.store; }
RawRedis& raw_side(Sides& s) { return s.raw; }
LangChainPattern& langchain_side(Sides& s) { return s.langchain; }

std::shared_ptr<Case> make_case(const std::string& topology, const char* side_name, Op op, std::size_t batch,
                                std::size_t bytes) {
  auto c = std::make_shared<Case>();
  c->prefix = "bench/" + topology + "/" + side_name + "/" + (op == Op::mget ? "Mget" : "Mset") + "/" +
              std::to_string(batch) + "x" + std::to_string(bytes) + "/";
  c->batch = batch;
  c->bytes = bytes;
  return c;
}

std::string benchmark_name(const std::string& topology, const char* side_name, Op op, std::size_t batch,
                           std::size_t bytes) {
  return "BM_" + topology + "_" + (op == Op::mget ? "Mget" : "Mset") + "/" + side_name +
         "/batch:" + std::to_string(batch) + "/value:" + std::to_string(bytes);
}

template <class Side>
std::shared_ptr<Case> add(const std::string& topology, Sides& (*sides_of)(), const char* side_name,
                          Side& (*side_of)(Sides&), Op op, std::size_t batch, std::size_t bytes) {
  auto c = make_case(topology, side_name, op, batch, bytes);
  benchmark::RegisterBenchmark(benchmark_name(topology, side_name, op, batch, bytes).c_str(),
                               [sides_of, side_of, op, c](benchmark::State& state) {
                                 run(state, sides_of, side_of, op, *c);
                               })
      ->UseRealTime();
  return c;
}

const bool registered = [] {
  for (const auto& [topology, sides_of] : {std::pair{"Redis", &standalone}, std::pair{"RedisCluster", &cluster}})
    for (Op op : {Op::mget, Op::mset})
      for (std::size_t batch : {std::size_t{100}, std::size_t{1000}})
        for (std::size_t bytes : {std::size_t{100}, std::size_t{4096}}) {
          auto ours = add(topology, sides_of, "ByteStore", &bytestore_side, op, batch, bytes);
          auto theirs = add(topology, sides_of, "Raw", &raw_side, op, batch, bytes);
          add(topology, sides_of, "LangChain", &langchain_side, op, batch, bytes);
          benchmark::RegisterBenchmark(benchmark_name(topology, "Paired", op, batch, bytes).c_str(),
                                       [sides_of = sides_of, op, ours, theirs](benchmark::State& state) {
                                         run_paired(state, sides_of, op, *ours, *theirs);
                                       })
              ->UseManualTime();
        }
  return true;
}();

}  // namespace
}  // namespace bytestore::bench
