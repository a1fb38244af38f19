// Turning an mset into insertMany requests: LangChain's document format,
// the last value of a repeated key, and chunks within the Data API limits.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <boost/json.hpp>

#include <span>
#include <string>
#include <vector>

namespace bytestore::astra {

// Data API limits the backend keeps (see docs of the backend).
inline constexpr std::size_t kMaxDocumentsPerInsert = 100;
inline constexpr std::size_t kMaxInValues = 100;
inline constexpr std::size_t kMaxDocumentChars = 4'000'000;
inline constexpr std::size_t kMaxKeyBytes = 8'000;  // _id is an indexed string
inline constexpr std::size_t kMaxBodyBytes = 5'000'000;  // well under the 20 MB cap

// The largest value any key can carry: its document {"_id":K,"value":B64}
// stays within kMaxDocumentChars even when every byte of an 8,000-byte
// key is escaped as \u00XX.
inline constexpr std::size_t kMaxValueBytes =
    (kMaxDocumentChars - (sizeof(R"({"_id":"","value":""})") - 1) - 6 * kMaxKeyBytes) / 4 * 3;

struct Document {
  std::string key;
  boost::json::object json;  // {"_id": key, "value": base64(value)}
  std::size_t serialized_size = 0;
};

// {"_id": key, "value": base64(value)}, LangChain's AstraDBByteStore format.
Document make_document(std::string_view key, std::string_view value);

// One Document per distinct key, holding its last value. Throws
// Error(limit_exceeded) naming the key if a document would exceed
// kMaxDocumentChars.
std::vector<Document> documents_for(std::span<const sdk::KeyValueView> pairs);

// Splits documents into insertMany batches of at most
// kMaxDocumentsPerInsert documents and about kMaxBodyBytes of body.
std::vector<std::vector<Document>> insert_batches(std::vector<Document> documents);

// Distinct keys in first-seen order, in chunks of at most kMaxInValues.
std::vector<std::vector<std::string>> key_chunks(std::span<const std::string_view> keys);

}  // namespace bytestore::astra
