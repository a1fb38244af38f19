// The data: keyspaces -> collections -> documents, each collection's
// documents kept in an ordered map by _id key (see id_key()), so scans and
// pages come in _id order. Not thread-safe: the server uses it from its one
// I/O thread only.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "indexing_policy.h"

namespace bytestore::dataapi {

namespace json = boost::json;

struct Collection {
  std::string name;
  json::object options;  // as created (null members dropped): compared on re-create, shown by explain
  IndexingPolicy indexing;
  std::map<std::string, json::object> documents;  // id_key(_id) -> document
};

struct DocumentLimits {
  std::size_t max_document_chars = 4'000'000;  // serialized JSON, UTF-16 units
  std::size_t max_indexed_string_bytes = 8000;
};

class DocumentStore {
 public:
  static constexpr const char* kDefaultKeyspace = "default_keyspace";

  DocumentStore();

  bool has_keyspace(const std::string& keyspace) const;
  void create_keyspace(const std::string& keyspace);  // no-op when present
  void drop_keyspace(const std::string& keyspace);    // no-op when absent
  std::vector<std::string> keyspaces() const;

  // Throw ApiError UNKNOWN_KEYSPACE / UNKNOWN_COLLECTION_OR_TABLE.
  std::map<std::string, Collection>& collections(const std::string& keyspace);
  Collection& collection(const std::string& keyspace, const std::string& name);

  // Back to the start: only an empty default_keyspace.
  void clear();

 private:
  std::map<std::string, std::map<std::string, Collection>> keyspaces_;
};

// Throws ApiError when `doc` breaks a document limit: its serialized size,
// an indexed string over the byte limit, or a bad _id.
void check_document(const json::object& doc, const IndexingPolicy& indexing, const DocumentLimits& limits);

// Keyspace and collection names: 1 to 48 of [A-Za-z0-9_].
bool is_valid_schema_name(const std::string& name);

}  // namespace bytestore::dataapi
