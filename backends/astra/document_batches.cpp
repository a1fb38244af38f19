#include "document_batches.h"

#include <unordered_map>
#include <unordered_set>

#include "base64.h"

namespace bytestore::astra {
namespace json = boost::json;

Document make_document(std::string_view key, std::string_view value) {
  Document doc;
  doc.key = std::string(key);
  doc.json["_id"] = key;
  doc.json["value"] = base64_encode(value);
  doc.serialized_size = json::serialize(doc.json).size();
  return doc;
}

std::vector<Document> documents_for(std::span<const sdk::KeyValueView> pairs) {
  std::unordered_map<std::string_view, std::size_t> last;  // key -> index of its last pair
  for (std::size_t i = 0; i < pairs.size(); ++i) last[pairs[i].first] = i;
  std::vector<Document> docs;
  docs.reserve(last.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) {
    if (last[pairs[i].first] != i) continue;
    Document doc = make_document(pairs[i].first, pairs[i].second);
    if (doc.serialized_size > kMaxDocumentChars)
      throw Error(Errc::limit_exceeded,
                  "the document for key '" + doc.key.substr(0, 40) + "' would be " +
                      std::to_string(doc.serialized_size) +
                      " characters of JSON; the Data API's limit is " +
                      std::to_string(kMaxDocumentChars));
    docs.push_back(std::move(doc));
  }
  return docs;
}

std::vector<std::vector<Document>> insert_batches(std::vector<Document> documents) {
  std::vector<std::vector<Document>> batches;
  std::size_t body = 0;
  for (Document& doc : documents) {
    if (batches.empty() || batches.back().size() == kMaxDocumentsPerInsert ||
        body + doc.serialized_size > kMaxBodyBytes) {
      batches.emplace_back();
      body = 0;
    }
    body += doc.serialized_size + 1;
    batches.back().push_back(std::move(doc));
  }
  return batches;
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
