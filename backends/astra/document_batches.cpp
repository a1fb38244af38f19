#include "document_batches.h"

#include <unordered_map>
#include <unordered_set>

#include "base64.h"

namespace bytestore::astra {
namespace json = boost::json;

json::object make_document(std::string_view key, std::string_view value) {
  return {{"_id", key}, {"value", base64_encode<json::string>(value)}};
}

std::size_t document_chars_bound(std::string_view key, std::size_t value_bytes) {
  return (sizeof(R"({"_id":"","value":""})") - 1) + 6 * key.size() +
         boost::beast::detail::base64::encoded_size(value_bytes);
}

InsertBatches::InsertBatches(std::span<const sdk::KeyValueView> pairs) : pairs_(pairs) {
  std::unordered_map<std::string_view, std::size_t> last;  // key -> index of its last pair
  last.reserve(pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) last[pairs[i].first] = i;
  writes_.reserve(last.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    const auto& [key, value] = pairs[i];
    if (last[key] != i) continue;
    // The host keeps keys and values within the advertised limits, which
    // guarantee this; a caller of the class directly gets the same answer.
    if (key.size() > kMaxKeyBytes || value.size() > kMaxValueBytes)
      throw Error(Errc::limit_exceeded,
                  "the document for key '" + std::string(key.substr(0, 40)) + "' could be " +
                      std::to_string(document_chars_bound(key, value.size())) +
                      " characters of JSON; the Data API's limit is " +
                      std::to_string(kMaxDocumentChars) + " (values up to " +
                      std::to_string(kMaxValueBytes) + " bytes, keys up to " +
                      std::to_string(kMaxKeyBytes) + " bytes)");
    writes_.push_back(i);
  }
}

InsertBatches::Batch InsertBatches::next() {
  Batch batch;
  std::size_t body = 0;
  while (position_ < writes_.size() && batch.keys.size() < kMaxDocumentsPerInsert) {
    const auto& [key, value] = pairs_[writes_[position_]];
    const std::size_t chars = document_chars_bound(key, value.size()) + 1;  // and a comma
    if (!batch.keys.empty() && body + chars > kMaxBodyBytes) break;
    body += chars;
    batch.keys.emplace_back(key);
    batch.documents.push_back(make_document(key, value));
    ++position_;
  }
  return batch;
}

std::vector<std::vector<std::string>> key_chunks(std::span<const std::string_view> keys) {
  std::vector<std::vector<std::string>> chunks;
  std::unordered_set<std::string_view> seen;
  for (std::string_view key : keys) {
    if (!seen.insert(key).second) continue;
    if (chunks.empty() || chunks.back().size() == kMaxInValues) chunks.emplace_back();
    chunks.back().emplace_back(key);
  }
  return chunks;
}

}  // namespace bytestore::astra
