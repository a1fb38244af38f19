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

IndexingPolicy IndexingPolicy::from_option(const json::value* indexing) {
  IndexingPolicy policy;
  if (indexing == nullptr || indexing->is_null()) return policy;
  if (!indexing->is_object()) throw errors::invalid_collection_options("'indexing' must be an object");
  const auto& o = indexing->get_object();
  const auto* allow = o.if_contains("allow");
  const auto* deny = o.if_contains("deny");
  for (const auto& member : o)
    if (member.key() != "allow" && member.key() != "deny")
      throw errors::invalid_collection_options("'indexing' accepts only 'allow' or 'deny', not '" +
                                               std::string(member.key()) + "'");
  if ((allow == nullptr) == (deny == nullptr))
    throw errors::invalid_collection_options("'indexing' needs exactly one of 'allow' or 'deny'");
  const auto* list = allow != nullptr ? allow : deny;
  if (!list->is_array())
    throw errors::invalid_collection_options("'indexing." + std::string(allow ? "allow" : "deny") +
                                             "' must be an array of paths");
  policy.kind_ = allow != nullptr ? Kind::kAllow : Kind::kDeny;
  for (const auto& path : list->get_array()) {
    if (!path.is_string() || path.get_string().empty())
      throw errors::invalid_collection_options("'indexing' paths must be non-empty strings");
    policy.paths_.emplace_back(path.get_string());
  }
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
