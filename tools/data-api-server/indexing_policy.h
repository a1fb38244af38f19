// A collection's `indexing` option: which document paths are indexed. It
// decides which paths a filter may use and which strings must respect the
// 8,000-byte limit of indexed strings.
#pragma once

#include <boost/json.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace bytestore::dataapi {

namespace json = boost::json;

class IndexingPolicy {
 public:
  // Everything indexed: the default of a collection created without options.
  IndexingPolicy() = default;

  // From createCollection's options.indexing ({"allow": [...]} or
  // {"deny": [...]}); null or absent means everything. Throws ApiError.
  static IndexingPolicy from_option(const json::value* indexing);

  // True when the dotted `path` is indexed: it is, or is under, an allowed
  // path (allow), or is neither a denied path nor under one (deny).
  bool indexes(std::string_view path) const;

  // True when no string of any path needs checking against the limit.
  bool indexes_nothing() const;

  // The database indexes a collection with this policy uses: the real
  // server makes 8 for every collection, none for deny ["*"].
  std::size_t database_indexes() const;

 private:
  enum class Kind { kAll, kAllow, kDeny };
  Kind kind_ = Kind::kAll;
  std::vector<std::string> paths_;
};

}  // namespace bytestore::dataapi
