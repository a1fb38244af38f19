// Astra against the local Data API server at 0 and 20 ms of added latency:
// wall time and requests of mset/mget/mdelete through ByteStore, next to
// the latency floor (the round trips the operation needs at the store's
// concurrency) and to the same operation issued the way LangChain's Python
// AstraDBByteStore issues it, replayed over the same server in the same run.
//
// Replay of LangChain's requests: mset = insertMany chunks of 50, 20 at a
// time, then a findOneAndReplace (no upsert) per document that failed, 20
// at a time; mget = one find with `_id $in` every key, whole documents,
// pages followed; mdelete = one deleteMany with `$in` every key, repeated
// while `moreData`. Real servers refuse more than 100 `$in` values, so the
// server runs with --max-in-values raised for the replay to run at all.
#include <benchmark/benchmark.h>

#include <bytestore/bytestore.hpp>

#include <cmath>
#include <future>
#include <mutex>
#include <set>

#include <boost/beast/core/detail/base64.hpp>

#include "call_join.h"
#include "data_api_client.h"
#include "local_data_api_server.h"

namespace bytestore::bench {
namespace {

namespace json = boost::json;
using astra::CallJoin;
using astra::CommandResult;
using astra::DataApiClient;

constexpr std::size_t kConcurrency = 20;  // ByteStore's default, and LangChain's

struct AstraRig {
  testing::LocalDataApiServer server{BYTESTORE_DATA_API_SERVER, {"--max-in-values", "100000"}};
  std::unique_ptr<ByteStore> store = open_yaml(
      "stores:\n  s:\n    backend: astra\n    api_endpoint: " + server.endpoint() +
          "\n    token: " + testing::LocalDataApiServer::kToken +
          "\n    keyspace: default_keyspace\n    collection_name: bench\n",
      "s");
  DataApiClient replay = [this] {
    astra::ConnectionSettings settings;
    settings.endpoint = server.endpoint();
    settings.api_path = "/v1";
    settings.keyspace = "default_keyspace";
    settings.collection = "bench";
    settings.token = testing::LocalDataApiServer::kToken;
    settings.user_agent = "langchain-replay/0";
    return DataApiClient(settings, std::chrono::seconds(30), kConcurrency, {});
  }();
};

AstraRig& rig() {
  static AstraRig instance;
  return instance;
}

// Runs `start(join)` and waits until every request it launched is done.
void run_joined(const std::function<void(const std::shared_ptr<CallJoin>&)>& start) {
  std::promise<void> done;
  auto finished = done.get_future();
  auto join = CallJoin::start([&done](std::exception_ptr failure) {
    if (failure)
      done.set_exception(failure);
    else
      done.set_value();
  });
  start(join);
  join->finish();
  finished.get();
}

void send(DataApiClient& client, const std::shared_ptr<CallJoin>& join, json::object command,
          std::function<void(CommandResult&)> then = {}) {
  join->add();
  client.collection_command(command, [join, then](std::exception_ptr failure, CommandResult r) {
    if (!failure && then) {
      try {
        then(r);
      } catch (...) {
        failure = std::current_exception();
      }
    }
    join->finish(failure);
  });
}

json::object document(const KeyValue& kv) {
  std::string b64(boost::beast::detail::base64::encoded_size(kv.second.size()), '\0');
  b64.resize(boost::beast::detail::base64::encode(b64.data(), kv.second.data(), kv.second.size()));
  return {{"_id", kv.first}, {"value", b64}};
}

void langchain_mset(const std::vector<KeyValue>& pairs) {
  DataApiClient& client = rig().replay;
  auto failed = std::make_shared<std::vector<json::object>>();
  auto mutex = std::make_shared<std::mutex>();
  run_joined([&](const std::shared_ptr<CallJoin>& join) {
    for (std::size_t i = 0; i < pairs.size(); i += 50) {
      json::array docs;
      auto chunk = std::make_shared<std::vector<json::object>>();
      for (std::size_t j = i; j < std::min(i + 50, pairs.size()); ++j) chunk->push_back(document(pairs[j]));
      for (const auto& d : *chunk) docs.push_back(d);
      send(client, join, {{"insertMany", {{"documents", docs}, {"options", {{"ordered", false}}}}}},
           [chunk, failed, mutex](CommandResult& r) {
             std::set<std::string> inserted;
             if (auto* ids = r.status.if_contains("insertedIds"); ids && ids->is_array())
               for (const auto& id : ids->as_array()) inserted.insert(std::string(id.as_string()));
             std::lock_guard lock(*mutex);
             for (const auto& d : *chunk)
               if (!inserted.count(std::string(d.at("_id").as_string()))) failed->push_back(d);
           });
    }
  });
  run_joined([&](const std::shared_ptr<CallJoin>& join) {
    for (const json::object& d : *failed)
      send(client, join,
           {{"findOneAndReplace", {{"filter", {{"_id", d.at("_id")}}}, {"replacement", d}}}});
  });
}

void langchain_mget(const std::vector<std::string>& keys) {
  json::array ids(keys.begin(), keys.end());
  std::string page_state;
  std::size_t found = 0;
  do {
    json::object find{{"filter", {{"_id", {{"$in", ids}}}}}};
    if (!page_state.empty()) find["options"] = {{"pageState", page_state}};
    CommandResult r = rig().replay.collection_command_sync({{"find", find}});
    found += r.data.at("documents").as_array().size();
    const json::value* next = r.data.if_contains("nextPageState");
    page_state = next && next->is_string() ? std::string(next->as_string()) : "";
  } while (!page_state.empty());
  benchmark::DoNotOptimize(found);
}

void langchain_mdelete(const std::vector<std::string>& keys) {
  const json::object command{{"deleteMany", {{"filter", {{"_id", {{"$in", json::array(keys.begin(), keys.end())}}}}}}}};
  for (;;) {
    CommandResult r = rig().replay.collection_command_sync(command);
    const json::value* more = r.status.if_contains("moreData");
    if (!more || *more != json::value(true)) break;
  }
}

enum class Op { mset, mget, mdelete };

// Round trips the operation needs at kConcurrency, times the latency.
double floor_ms(Op op, std::size_t keys, int latency_ms) {
  const double rounds = std::ceil(std::ceil(keys / 100.0) / kConcurrency);
  const double calls_per_chunk = op == Op::mdelete ? 100 / 20 : 1;  // 20 deletions per call
  return rounds * calls_per_chunk * latency_ms;
}

void BM_Astra(benchmark::State& state, Op op, bool langchain) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const int latency = static_cast<int>(state.range(1));
  AstraRig& r = rig();
  std::vector<KeyValue> pairs;
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < n; ++i) {
    keys.push_back("key:" + std::to_string(i));
    pairs.emplace_back(keys.back(), std::string(100, static_cast<char>('a' + i % 26)));
  }
  auto prepare = [&] {  // at full speed: the starting state of each iteration
    r.server.configure({{"latency_ms", 0}});
    r.server.command("default_keyspace/bench", {{"deleteMany", {{"filter", json::object{}}}}});
    if (op != Op::mset) r.store->mset(pairs);
    r.server.configure({{"latency_ms", latency}});
    r.server.reset_stats();
  };
  std::uint64_t requests = 0;
  for (auto _ : state) {
    state.PauseTiming();
    prepare();
    state.ResumeTiming();
    switch (op) {
      case Op::mset: langchain ? langchain_mset(pairs) : r.store->mset(pairs); break;
      case Op::mget:
        if (langchain)
          langchain_mget(keys);
        else
          benchmark::DoNotOptimize(r.store->mget(keys));
        break;
      case Op::mdelete: langchain ? langchain_mdelete(keys) : r.store->mdelete(keys); break;
    }
    state.PauseTiming();
    requests += r.server.stats().at("total").to_number<std::uint64_t>();
    state.ResumeTiming();
  }
  r.server.configure({{"latency_ms", 0}});
  state.counters["requests"] = static_cast<double>(requests) / static_cast<double>(state.iterations());
  state.counters["floor_ms"] = floor_ms(op, n, latency);
}

void register_astra() {
  const struct {
    const char* name;
    Op op;
  } ops[] = {{"mset", Op::mset}, {"mget", Op::mget}, {"mdelete", Op::mdelete}};
  for (const auto& [name, op] : ops)
    for (bool langchain : {false, true})
      benchmark::RegisterBenchmark(
          (std::string("BM_Astra_") + name + (langchain ? "/LangChainReplay" : "/ByteStore")).c_str(),
          [op = op, langchain](benchmark::State& s) { BM_Astra(s, op, langchain); })
          ->ArgNames({"keys", "latency_ms"})
          ->ArgsProduct({{1000, 10000}, {0, 20}})
          ->Iterations(3)
          ->UseRealTime()
          ->Unit(benchmark::kMillisecond);
}

const bool registered = (register_astra(), true);

}  // namespace
}  // namespace bytestore::bench
