#include "document_store.h"

#include <algorithm>

#include "api_error.h"
#include "json_values.h"

namespace bytestore::dataapi {
namespace {

void check_strings(const json::value& v, const std::string& path, const IndexingPolicy& indexing,
                   const DocumentLimits& limits) {
  switch (v.kind()) {
    case json::kind::string:
      if (v.get_string().size() > limits.max_indexed_string_bytes && indexing.indexes(path)) {
        const auto leaf = path.substr(path.rfind('.') == std::string::npos ? 0 : path.rfind('.') + 1);
        throw errors::doc_limit_violation("indexed String value (field '" + leaf + "') length (" +
                                          std::to_string(v.get_string().size()) + " bytes) exceeds maximum allowed (" +
                                          std::to_string(limits.max_indexed_string_bytes) + " bytes)");
      }
      return;
    case json::kind::array:
      for (const auto& e : v.get_array()) check_strings(e, path, indexing, limits);
      return;
    case json::kind::object:
      for (const auto& m : v.get_object())
        check_strings(m.value(), path.empty() ? std::string(m.key()) : path + "." + std::string(m.key()), indexing,
                      limits);
      return;
    default:
      return;
  }
}

}  // namespace

DocumentStore::DocumentStore() { clear(); }

bool DocumentStore::has_keyspace(const std::string& keyspace) const { return keyspaces_.contains(keyspace); }

void DocumentStore::create_keyspace(const std::string& keyspace) { keyspaces_[keyspace]; }

void DocumentStore::drop_keyspace(const std::string& keyspace) { keyspaces_.erase(keyspace); }

std::vector<std::string> DocumentStore::keyspaces() const {
  std::vector<std::string> names;
  for (const auto& [name, _] : keyspaces_) names.push_back(name);
  return names;
}

std::map<std::string, Collection>& DocumentStore::collections(const std::string& keyspace) {
  const auto it = keyspaces_.find(keyspace);
  if (it == keyspaces_.end()) throw errors::unknown_keyspace(keyspace);
  return it->second;
}

Collection& DocumentStore::collection(const std::string& keyspace, const std::string& name) {
  auto& all = collections(keyspace);
  const auto it = all.find(name);
  if (it == all.end()) throw errors::unknown_collection(keyspace, name);
  return it->second;
}

void DocumentStore::clear() {
  keyspaces_.clear();
  keyspaces_[kDefaultKeyspace];
}

void check_document(const json::object& doc, const IndexingPolicy& indexing, const DocumentLimits& limits) {
  const auto* id = doc.if_contains("_id");
  if (id == nullptr) throw errors::bad_docid("the document has no '_id'");
  if (!is_valid_id(*id))
    throw errors::bad_docid("'_id' must be a String, Number, Boolean, null or an extended value such as $uuid, not " +
                            json::serialize(*id).substr(0, 100));
  if (id->is_string() && id->get_string().empty()) throw errors::empty_docid();
  if (id->is_string() && id->get_string().size() > limits.max_indexed_string_bytes)
    throw errors::doc_limit_violation("indexed String value (field '_id') length (" +
                                      std::to_string(id->get_string().size()) + " bytes) exceeds maximum allowed (" +
                                      std::to_string(limits.max_indexed_string_bytes) + " bytes)");
  const auto chars = utf16_length(json::serialize(doc));
  if (chars > limits.max_document_chars)
    throw errors::doc_limit_violation("document size (" + std::to_string(chars) + " chars) exceeds maximum allowed (" +
                                      std::to_string(limits.max_document_chars) + ")");
  if (!indexing.indexes_nothing())
    for (const auto& m : doc)
      if (m.key() != "_id") check_strings(m.value(), std::string(m.key()), indexing, limits);
}

bool is_valid_schema_name(const std::string& name) {
  return !name.empty() && name.size() <= 48 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

}  // namespace bytestore::dataapi
