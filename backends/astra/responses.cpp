#include "responses.h"

#include <map>

#include "base64.h"

namespace bytestore::astra {
namespace json = boost::json;
namespace {

std::string next_page_state(const CommandResult& r) {
  const json::value* state = r.data.if_contains("nextPageState");
  return state && state->is_string() ? std::string(state->get_string()) : std::string();
}

const json::array* documents(const CommandResult& r) {
  const json::value* docs = r.data.if_contains("documents");
  return docs && docs->is_array() ? &docs->as_array() : nullptr;
}

std::string shown(const std::string& key) { return "'" + key.substr(0, 40) + "'"; }

}  // namespace

FoundPage read_values_page(const CommandResult& result) {
  raise_errors(result, "find");
  FoundPage page;
  if (const json::array* docs = documents(result)) {
    for (const json::value& doc : *docs) {
      const json::object* o = doc.if_object();
      const json::value* id = o ? o->if_contains("_id") : nullptr;
      if (!id || !id->is_string()) throw Error(Errc::corruption, "find: a document has no string _id");
      std::string key(id->get_string());
      const json::value* value = o->if_contains("value");
      std::optional<std::string> bytes;
      if (value && value->is_string()) bytes = base64_decode(value->get_string());
      if (!bytes)
        throw Error(Errc::corruption, "document " + shown(key) +
                                          " has no base64 string 'value'; it was not written in "
                                          "the key -> bytes format");
      page.entries.emplace_back(std::move(key), std::move(*bytes));
    }
  }
  page.next_page_state = next_page_state(result);
  return page;
}

std::pair<std::vector<std::string>, std::string> read_ids_page(const CommandResult& result) {
  raise_errors(result, "find");
  std::vector<std::string> ids;
  if (const json::array* docs = documents(result))
    for (const json::value& doc : *docs)
      if (const json::object* o = doc.if_object())
        if (const json::value* id = o->if_contains("_id"); id && id->is_string())
          ids.emplace_back(id->get_string());
  return {std::move(ids), next_page_state(result)};
}

namespace {

// Files document `i` under what its error asks for; throws for a failure
// that another attempt cannot mend.
void classify(InsertOutcome& outcome, std::size_t i, const ApiError* error,
              std::span<const std::string> keys) {
  if (error && error->code == "DOCUMENT_ALREADY_EXISTS") {
    outcome.existing.push_back(i);
  } else if (error && is_retryable_error(*error)) {
    if (outcome.retry.empty()) outcome.retry_reason = error->code + ": " + error->message;
    outcome.retry.push_back(i);
  } else {
    throw Error(Errc::unavailable, "insertMany: key " + shown(keys[i]) + " failed: " +
                                       (error ? error->code + ": " + error->message
                                              : std::string("no error given")));
  }
}

}  // namespace

InsertOutcome read_insert_outcome(const CommandResult& result, std::span<const std::string> keys) {
  InsertOutcome outcome;
  const json::value* responses = result.status.if_contains("documentResponses");
  if (responses && responses->is_array() && responses->as_array().size() == keys.size()) {
    const json::array& list = responses->as_array();
    for (std::size_t i = 0; i < list.size(); ++i) {
      const json::object* o = list[i].if_object();
      const json::value* status = o ? o->if_contains("status") : nullptr;
      if (status && *status == json::value("OK")) continue;
      const json::value* index = o ? o->if_contains("errorsIdx") : nullptr;
      const ApiError* error = index && index->is_int64() && index->as_int64() >= 0 &&
                                      static_cast<std::size_t>(index->as_int64()) < result.errors.size()
                                  ? &result.errors[static_cast<std::size_t>(index->as_int64())]
                                  : nullptr;
      classify(outcome, i, error, keys);
    }
    return outcome;
  }
  // A server that ignores returnDocumentResponses: insertedIds, plus one
  // error per failed document (or per group of documents).
  std::map<std::string, std::size_t, std::less<>> index;
  for (std::size_t i = 0; i < keys.size(); ++i) index[keys[i]] = i;
  std::vector<bool> accounted(keys.size(), false);
  if (const auto* ids = result.status.if_contains("insertedIds"); ids && ids->is_array())
    for (const json::value& id : ids->as_array())
      if (id.is_string())
        if (auto it = index.find(id.get_string()); it != index.end()) accounted[it->second] = true;
  const ApiError* unattached_retryable = nullptr;
  for (const ApiError& e : result.errors) {
    if (e.document_ids.empty()) {
      // Not tied to a document: retryable ones stand for every document
      // not reported written; anything else fails the call.
      if (!is_retryable_error(e)) raise_errors(CommandResult{{}, {}, {e}}, "insertMany");
      if (!unattached_retryable) unattached_retryable = &e;
      continue;
    }
    for (const std::string& id : e.document_ids)
      if (auto it = index.find(id); it != index.end() && !accounted[it->second]) {
        accounted[it->second] = true;
        classify(outcome, it->second, &e, keys);
      }
  }
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (accounted[i]) continue;
    if (!unattached_retryable)
      throw Error(Errc::unavailable,
                  "insertMany: the server did not report key " + shown(keys[i]) + " as written");
    classify(outcome, i, unattached_retryable, keys);
  }
  return outcome;
}

bool more_data(const CommandResult& result) {
  const json::value* more = result.status.if_contains("moreData");
  return more && *more == json::value(true);
}

}  // namespace bytestore::astra
