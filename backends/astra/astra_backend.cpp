#include "astra_backend.h"

#include <map>
#include <mutex>

#include "call_join.h"
#include "collection_setup.h"
#include "connection_settings.h"
#include "responses.h"

namespace bytestore::astra {
namespace json = boost::json;
namespace {

// Runs an async operation and waits for its completion.
void wait(const std::function<void(sdk::Completion)>& start) {
  struct Outcome {
    std::promise<void> promise;
  } outcome;
  std::future<void> finished = outcome.promise.get_future();
  start(sdk::Completion(
      [](void* self, int code, const char* message, std::size_t size) {
        auto& o = *static_cast<Outcome*>(self);
        if (code == BYTESTORE_OK)
          o.promise.set_value();
        else
          o.promise.set_exception(std::make_exception_ptr(
              Error(static_cast<Errc>(code), std::string(message ? message : "", size))));
      },
      &outcome));
  finished.get();
}

// Completes `done` when `join` ends.
CallJoin::Done complete(sdk::Completion done) {
  return [done](std::exception_ptr failure) {
    if (failure)
      done.fail(failure);
    else
      done.succeed();
  };
}

// Only _id. On the Data API `_id` never counts as an inclusion, so
// {"_id": 1} alone would return whole documents: exclude the value instead.
json::object id_only_projection() { return {{"value", 0}}; }

json::object in_filter(const std::vector<std::string>& keys) {
  json::array ids;
  ids.reserve(keys.size());
  for (const std::string& k : keys) ids.emplace_back(k);
  return {{"_id", {{"$in", std::move(ids)}}}};
}

// Values found by one mget, shared by its concurrent finds.
struct GetState {
  std::vector<std::string> keys;
  std::mutex mutex;
  std::map<std::string, std::string, std::less<>> found;
};

void find_values(DataApiClient& client, std::shared_ptr<GetState> state,
                 std::shared_ptr<CallJoin> join, json::object filter, std::string page_state) {
  json::object find{{"filter", filter}, {"projection", {{"value", 1}}}};
  if (!page_state.empty()) find["options"] = {{"pageState", page_state}};
  join->add();
  client.collection_command(
      {{"find", std::move(find)}},
      [&client, state, join, filter](std::exception_ptr failure, CommandResult r) mutable {
        if (!failure) {
          try {
            FoundPage page = read_values_page(r);
            {
              std::lock_guard lock(state->mutex);
              for (auto& [key, value] : page.entries)
                state->found.insert_or_assign(std::move(key), std::move(value));
            }
            // Older servers page even `$in` results.
            if (!page.next_page_state.empty())
              find_values(client, state, join, std::move(filter), std::move(page.next_page_state));
          } catch (...) {
            failure = std::current_exception();
          }
        }
        join->finish(failure);
      });
}

// Overwrites one document that already existed.
void replace_document(DataApiClient& client, const std::shared_ptr<CallJoin>& join,
                      const json::value& document) {
  join->add();
  client.collection_command(
      {{"findOneAndReplace",
        {{"filter", {{"_id", document.at("_id")}}},
         {"replacement", document},
         {"projection", id_only_projection()},
         {"options", {{"upsert", true}, {"returnDocument", "before"}}}}}},
      [join](std::exception_ptr failure, CommandResult r) {
        if (!failure) {
          try {
            raise_errors(r, "findOneAndReplace");
          } catch (...) {
            failure = std::current_exception();
          }
        }
        join->finish(failure);
      });
}

// Inserts one batch. Documents that exist already are replaced; documents
// that failed for a retryable reason (a database timeout, say) are inserted
// again after a backoff, within max_retries: if the timed-out write did
// land, the new attempt finds the document and replaces it, so the batch
// ends exactly as requested. Any other per-document error fails the call
// with its code, key and message. The command is kept until the answer:
// replacements and new attempts are taken from it.
void insert_documents(DataApiClient& client, const std::shared_ptr<CallJoin>& join,
                      std::vector<std::string> ids, json::array documents, unsigned attempt) {
  auto keys = std::make_shared<std::vector<std::string>>(std::move(ids));
  auto command = std::make_shared<json::object>(json::object{
      {"insertMany",
       {{"documents", std::move(documents)},
        {"options", {{"ordered", false}, {"returnDocumentResponses", true}}}}}});
  const auto delay = attempt == 0 ? std::chrono::milliseconds(0) : client.backoff(attempt - 1);
  join->add();
  client.collection_command(
      *command,
      [&client, join, keys, command, attempt](std::exception_ptr failure, CommandResult r) {
        if (!failure) {
          try {
            InsertOutcome outcome = read_insert_outcome(r, *keys);
            json::array& sent = command->at("insertMany").at("documents").as_array();
            for (std::size_t i : outcome.existing) replace_document(client, join, sent[i]);
            if (!outcome.retry.empty()) {
              if (attempt >= client.policy().max_retries)
                throw Error(Errc::unavailable,
                            "insertMany: gave up after " + std::to_string(attempt + 1) +
                                " attempts on " + std::to_string(outcome.retry.size()) +
                                " documents; last: " + outcome.retry_reason);
              std::vector<std::string> again_ids;
              json::array again;
              for (std::size_t i : outcome.retry) {
                again_ids.push_back(std::move((*keys)[i]));
                again.push_back(std::move(sent[i]));
              }
              insert_documents(client, join, std::move(again_ids), std::move(again), attempt + 1);
            }
          } catch (...) {
            failure = std::current_exception();
          }
        }
        join->finish(failure);
      },
      delay);
}

void delete_chunk(DataApiClient& client, std::shared_ptr<CallJoin> join, json::object filter) {
  join->add();
  client.collection_command(
      {{"deleteMany", {{"filter", filter}}}},
      [&client, join, filter](std::exception_ptr failure, CommandResult r) {
        if (!failure) {
          try {
            raise_errors(r, "deleteMany");
            if (more_data(r)) delete_chunk(client, join, filter);  // a bounded number per call
          } catch (...) {
            failure = std::current_exception();
          }
        }
        join->finish(failure);
      });
}

// Lists keys a page at a time with only _id projected: values are never
// downloaded. A prefix is a server-side _id lower bound; servers that
// reject string ranges get a full scan filtered here.
class AstraCursor final : public sdk::Cursor {
 public:
  AstraCursor(DataApiClient& client, std::string prefix) : client_(client), prefix_(std::move(prefix)) {
    range_ = !prefix_.empty();
  }

  bool next(const sdk::KeySink& sink) override {
    auto [ids, next] = read_ids_page(fetch());
    for (const std::string& id : ids)
      if (id.starts_with(prefix_)) sink(id);
    page_state_ = std::move(next);
    return !page_state_.empty();
  }

 private:
  CommandResult fetch() {
    for (;;) {
      json::object find{{"filter", filter()}, {"projection", id_only_projection()}};
      if (!page_state_.empty()) find["options"] = {{"pageState", page_state_}};
      CommandResult r = client_.collection_command_sync({{"find", std::move(find)}});
      if (range_ && page_state_.empty() && !r.errors.empty() &&
          r.errors.front().code.find("FILTER") != std::string::npos) {
        range_ = false;  // an older server: no ranges on string _id
        continue;
      }
      return r;
    }
  }

  // One-sided: the Data API allows one expression on _id per filter
  // (FILTER_MULTIPLE_ID_FILTER for $gte with $lt), so keys past the prefix
  // come too and are dropped here.
  json::object filter() const {
    if (!range_) return {};
    return {{"_id", {{"$gte", prefix_}}}};
  }

  DataApiClient& client_;
  std::string prefix_;
  bool range_;
  std::string page_state_;
};

}  // namespace

void AstraBackend::check_options(const Options& options) {
  if (options.concurrency == 0) throw Error(Errc::config, "concurrency must be at least 1");
  // curl reads a timeout of 0 as "none": a request could then hang forever.
  if (options.request_timeout.count() < 1)
    throw Error(Errc::config, "request_timeout must be at least 1ms (0 would mean no limit)");
  if (options.pre_delete_collection && options.setup_mode == SetupMode::off)
    throw Error(Errc::config, "pre_delete_collection needs setup_mode sync or async");
  resolve_connection(options, process_env());
}

sdk::Location AstraBackend::locate(const Options& options) {
  const ConnectionSettings settings = resolve_connection(options, process_env());
  return {shown_endpoint(settings.collection_url()), sdk::Location::Data::unknown};
}

AstraBackend::AstraBackend(const Options& options) {
  DataApiClient::Policy policy;
  policy.max_retries = static_cast<unsigned>(std::min<std::uint64_t>(options.max_retries, 20));
  client_ = std::make_unique<DataApiClient>(resolve_connection(options, process_env()),
                                            options.request_timeout, options.concurrency, policy);
  std::promise<void> ready;
  ready_ = ready.get_future().share();
  switch (options.setup_mode) {
    case SetupMode::off:
      ready.set_value();
      break;
    case SetupMode::sync:
      set_up_collection(*client_, options.pre_delete_collection);
      ready.set_value();
      break;
    case SetupMode::async:
      setup_ = std::thread([this, pre_delete = options.pre_delete_collection,
                            ready = std::move(ready)]() mutable {
        try {
          set_up_collection(*client_, pre_delete);
          ready.set_value();
        } catch (...) {
          ready.set_exception(std::current_exception());
        }
      });
      break;
  }
}

AstraBackend::~AstraBackend() {
  if (setup_.joinable()) setup_.join();
}

void AstraBackend::wait_until_ready() { ready_.get(); }

void AstraBackend::submit_mget(std::span<const std::string_view> keys, sdk::ValueSink sink,
                               sdk::Completion done) {
  wait_until_ready();
  auto state = std::make_shared<GetState>();
  state->keys.assign(keys.begin(), keys.end());
  auto join = CallJoin::start([state, sink, done](std::exception_ptr failure) {
    if (failure) {
      done.fail(failure);
      return;
    }
    for (std::size_t i = 0; i < state->keys.size(); ++i)
      if (auto it = state->found.find(state->keys[i]); it != state->found.end()) sink(i, it->second);
    done.succeed();
  });
  for (const std::vector<std::string>& chunk : key_chunks(keys))
    find_values(*client_, state, join, in_filter(chunk), {});
  join->finish();
}

void AstraBackend::submit_mset(std::span<const sdk::KeyValueView> pairs, sdk::Completion done) {
  wait_until_ready();
  InsertBatches batches(pairs);  // throws on a limit before anything is sent
  auto join = CallJoin::start(complete(done));
  try {
    for (auto batch = batches.next(); !batch.keys.empty(); batch = batches.next())
      insert_documents(*client_, join, std::move(batch.keys), std::move(batch.documents), 0);
  } catch (...) {
    join->finish(std::current_exception());
    return;
  }
  join->finish();
}

void AstraBackend::submit_mdelete(std::span<const std::string_view> keys, sdk::Completion done) {
  wait_until_ready();
  auto join = CallJoin::start(complete(done));
  for (const std::vector<std::string>& chunk : key_chunks(keys)) delete_chunk(*client_, join, in_filter(chunk));
  join->finish();
}

void AstraBackend::mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
  wait([&](sdk::Completion done) { submit_mget(keys, sink, done); });
}

void AstraBackend::mset(std::span<const sdk::KeyValueView> pairs) {
  wait([&](sdk::Completion done) { submit_mset(pairs, done); });
}

void AstraBackend::mdelete(std::span<const std::string_view> keys) {
  wait([&](sdk::Completion done) { submit_mdelete(keys, done); });
}

std::unique_ptr<sdk::Cursor> AstraBackend::scan(std::string_view prefix) {
  wait_until_ready();
  return std::make_unique<AstraCursor>(*client_, std::string(prefix));
}

}  // namespace bytestore::astra

BYTESTORE_PLUGIN(bytestore::astra::AstraBackend)
