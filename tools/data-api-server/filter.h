// A collection filter: compiled once from the command's `filter` clause,
// then matched against documents. Supports implicit $eq, $eq $ne $in $nin
// $gt $gte $lt $lte $exists, $and $or $not, on `_id` and on any (dotted)
// path that the collection indexes. As the real server, at most one
// expression may name _id (FILTER_MULTIPLE_ID_FILTER), so an _id range has
// one bound, and at most 64 expressions in all (FILTER_FIELDS_LIMIT_VIOLATION).
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <string>
#include <vector>

#include "indexing_policy.h"

namespace bytestore::dataapi {

namespace json = boost::json;

struct FilterRules {
  const IndexingPolicy* indexing = nullptr;
  std::size_t max_in_values = 100;
  // Servers from 1.0.26: range operators on _id take strings (and
  // booleans) too, and _id is refused inside $or.
  bool string_ranges = true;
  // Comparison expressions (one per operator per path) a filter may hold.
  std::size_t max_expressions = 64;
};

class Filter {
 public:
  // Throws ApiError (FILTER_INVALID_EXPRESSION, FILTER_PATH_UNINDEXED, ...).
  static Filter compile(const json::value* clause, const FilterRules& rules);

  bool matches(const json::object& doc) const;
  bool empty() const { return root_.children.empty(); }

  // When the top level restricts _id to a set ($eq or $in), the ids of
  // that set: only those documents can match.
  const std::optional<std::vector<json::value>>& id_set() const { return id_set_; }
  // Bounds on the _id key from top-level range operators, for scans.
  const std::optional<std::string>& lower_key() const { return lower_key_; }
  const std::optional<std::string>& upper_key() const { return upper_key_; }

 private:
  struct Node {
    enum class Kind { kAnd, kOr, kNot, kCompare } kind = Kind::kAnd;
    std::vector<Node> children;
    std::string path;
    std::string op;
    json::value operand;
  };

  static Node compile_object(const json::object& clause, const FilterRules& rules, bool under_or);
  static void compile_path(Node& into, const std::string& path, const json::value& condition,
                           const FilterRules& rules, bool under_or);
  static bool evaluate(const Node& node, const json::object& doc);
  // Comparison expressions under `node`, all of them and those on _id.
  static void count(const Node& node, std::size_t& all, std::size_t& on_id);
  void plan();

  Node root_;
  std::optional<std::vector<json::value>> id_set_;
  std::optional<std::string> lower_key_;
  std::optional<std::string> upper_key_;
};

}  // namespace bytestore::dataapi
