#include "indexing_policy.h"

#include <algorithm>

#include "api_error.h"

namespace bytestore::dataapi {
namespace {

bool covers(const std::string& entry, std::string_view path) {
  if (entry == "*") return true;
  return path.size() >= entry.size() && path.substr(0, entry.size()) == entry &&
         (path.size() == entry.size() || path[entry.size()] == '.');
}

}  // namespace

// Follows the real server's createCollection indexing checks: exactly one
// of allow and deny, non-empty string paths, no duplicates, no paths
// starting with '$' but $vector ("*" alone means every path).
IndexingPolicy IndexingPolicy::from_option(const json::value* indexing) {
  IndexingPolicy policy;
  if (indexing == nullptr || indexing->is_null()) return policy;
  if (!indexing->is_object()) throw errors::invalid_collection_options("'indexing' must be an object");
  const auto& o = indexing->get_object();
  for (const auto& member : o)
    if (member.key() != "allow" && member.key() != "deny")
      throw errors::invalid_create_collection_field("unknown field '" + std::string(member.key()) +
                                                    "' in 'indexing' (known fields: 'allow', 'deny')");
  const auto* allow = o.if_contains("allow");
  const auto* deny = o.if_contains("deny");
  if (allow != nullptr && deny != nullptr) throw errors::invalid_indexing("'allow' and 'deny' cannot be used together");
  if (allow == nullptr && deny == nullptr) throw errors::invalid_indexing("'allow' or 'deny' should be provided");
  const std::string which = allow != nullptr ? "allow" : "deny";
  const auto* list = allow != nullptr ? allow : deny;
  if (!list->is_array()) throw errors::invalid_collection_options("'indexing." + which + "' must be an array of paths");
  policy.kind_ = allow != nullptr ? Kind::kAllow : Kind::kDeny;
  for (const auto& path : list->get_array()) {
    if (!path.is_string() || path.get_string().empty())
      throw errors::invalid_indexing("path must be represented as a non-empty string");
    const std::string text(path.get_string());
    if (std::find(policy.paths_.begin(), policy.paths_.end(), text) != policy.paths_.end())
      throw errors::invalid_indexing("'" + which + "' cannot contain duplicates");
    policy.paths_.push_back(text);
  }
  const bool star_alone = policy.paths_.size() == 1 && policy.paths_[0] == "*";
  for (const auto& text : policy.paths_)
    if (!star_alone && text[0] == '$' && text != "$vector")
      throw errors::invalid_indexing("path ('" + text + "') must not start with '$'");
  return policy;
}

bool IndexingPolicy::indexes(std::string_view path) const {
  const bool listed = std::any_of(paths_.begin(), paths_.end(), [&](const auto& e) { return covers(e, path); });
  switch (kind_) {
    case Kind::kAll:
      return true;
    case Kind::kAllow:
      return listed;
    case Kind::kDeny:
      return !listed;
  }
  return true;
}

std::size_t IndexingPolicy::database_indexes() const {
  const bool deny_all = kind_ == Kind::kDeny && std::find(paths_.begin(), paths_.end(), "*") != paths_.end();
  return deny_all ? 0 : 8;
}

bool IndexingPolicy::indexes_nothing() const {
  if (kind_ == Kind::kAllow) return paths_.empty();
  return kind_ == Kind::kDeny && std::find(paths_.begin(), paths_.end(), "*") != paths_.end();
}

}  // namespace bytestore::dataapi
