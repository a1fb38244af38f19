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

// {"_id": key, "value": base64(value)}, LangChain's AstraDBByteStore format.
boost::json::object make_document(std::string_view key, std::string_view value);

// The most characters make_document(key, <value_bytes bytes>) can take as
// JSON: every key byte escaped as \u00XX.
std::size_t document_chars_bound(std::string_view key, std::size_t value_bytes);

// An mset as insertMany batches, built one at a time so the first request
// can leave while later documents are still being encoded.
class InsertBatches {
 public:
  struct Batch {
    std::vector<std::string> keys;
    boost::json::array documents;  // documents[i] is the document of keys[i]
  };

  // Keeps the last value of each key. Throws Error(limit_exceeded) naming
  // the key if any document could pass kMaxDocumentChars, before a single
  // batch exists. `pairs` must outlive this object.
  explicit InsertBatches(std::span<const sdk::KeyValueView> pairs);

  // The next batch: at most kMaxDocumentsPerInsert documents and at most
  // kMaxBodyBytes of them; no documents when every key has been given out.
  Batch next();

 private:
  std::span<const sdk::KeyValueView> pairs_;
  std::vector<std::size_t> writes_;  // indexes into pairs_, one per distinct key
  std::size_t position_ = 0;
};

// Distinct keys in first-seen order, in chunks of at most kMaxInValues.
std::vector<std::vector<std::string>> key_chunks(std::span<const std::string_view> keys);

}  // namespace bytestore::astra
