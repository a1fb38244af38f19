// A projection clause: which parts of a document a read returns, by the
// rules of the real server (DocumentProjector): _id never counts as an
// inclusion, so {"_id": 1} alone is the whole document and {"_id": 0} all
// but _id; {"value": 1} value and _id; {"_id": 0, "value": 1} value alone;
// {"value": 0} all but value; {"*": 1} all; {"*": 0} nothing. Dotted paths
// (or nested clauses) select inside sub-documents.
#pragma once

#include <boost/json.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>

namespace bytestore::dataapi {

namespace json = boost::json;

class Projection {
 public:
  // Throws ApiError (UNSUPPORTED_PROJECTION_PARAM). Null or {} means the
  // whole document.
  static Projection compile(const json::value* clause);

  json::object apply(const json::object& doc) const;

 private:
  struct PathTree {
    bool leaf = false;
    std::map<std::string, PathTree, std::less<>> children;
  };

  // Adds the paths of `clause` under `parent`; `others` is whether the
  // paths other than _id seen so far include (true) or exclude (false).
  void collect(const json::object& clause, const std::string& parent, std::optional<bool>& others);

  static json::object include(const json::object& doc, const PathTree& tree);
  static json::object exclude(const json::object& doc, const PathTree& tree);

  enum class Mode { kAll, kNone, kInclude, kExclude } mode_ = Mode::kAll;
  bool include_id_ = true;
  PathTree tree_;
};

}  // namespace bytestore::dataapi
