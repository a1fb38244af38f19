#include "projection.h"

#include <optional>

#include "api_error.h"

namespace bytestore::dataapi {
namespace {

// 1/true include, 0/false exclude; anything else (such as $slice) is not
// supported here.
bool inclusion_of(const std::string& path, const json::value& v) {
  if (v.is_bool()) return v.get_bool();
  if (v.is_int64()) return v.get_int64() != 0;
  if (v.is_uint64()) return v.get_uint64() != 0;
  if (v.is_double()) return v.get_double() != 0;
  throw errors::projection_invalid("path '" + path + "' must be 1, 0, true or false");
}

}  // namespace

Projection Projection::compile(const json::value* clause) {
  Projection p;
  if (clause == nullptr || clause->is_null()) return p;
  if (!clause->is_object()) throw errors::projection_definition_invalid();
  const auto& o = clause->get_object();
  if (o.empty()) return p;
  if (const auto* star = o.if_contains("*")) {
    if (o.size() != 1) throw errors::projection_invalid("'*' must be the only path of a projection");
    p.mode_ = inclusion_of("*", *star) ? Mode::kAll : Mode::kNone;
    return p;
  }
  std::optional<bool> others;
  p.collect(o, "", others);
  // _id never makes a projection an inclusion: {"_id": 1} alone excludes
  // nothing (the whole document), as the real server does.
  p.mode_ = others.value_or(false) ? Mode::kInclude : Mode::kExclude;
  return p;
}

void Projection::collect(const json::object& clause, const std::string& parent, std::optional<bool>& others) {
  for (const auto& member : clause) {
    const std::string key(member.key());
    if (key.empty()) throw errors::projection_invalid("empty paths are not allowed");
    if (key[0] == '$') throw errors::projection_invalid("path '" + key + "' is not supported");
    if (key == "*") throw errors::projection_invalid("'*' must be the only path of a projection");
    const std::string path = parent.empty() ? key : parent + "." + key;
    // {"meta": {"x": 1}} is {"meta.x": 1}.
    if (member.value().is_object()) {
      collect(member.value().get_object(), path, others);
      continue;
    }
    const bool included = inclusion_of(path, member.value());
    if (path == "_id") {
      include_id_ = included;
      continue;
    }
    if (others && *others != included)
      throw errors::projection_invalid("cannot mix inclusions and exclusions (other than '_id')");
    others = included;
    PathTree* node = &tree_;
    std::size_t start = 0;
    while (true) {
      const auto dot = path.find('.', start);
      const auto segment = path.substr(start, dot - start);
      if (segment.empty()) throw errors::projection_invalid("empty path segments are not allowed");
      node = &node->children[segment];
      if (dot == std::string::npos) break;
      start = dot + 1;
    }
    node->leaf = true;
  }
}

json::object Projection::apply(const json::object& doc) const {
  switch (mode_) {
    case Mode::kAll:
      return doc;
    case Mode::kNone:
      return {};
    case Mode::kInclude: {
      json::object out;
      if (include_id_)
        if (const auto* id = doc.if_contains("_id")) out["_id"] = *id;
      for (auto& member : include(doc, tree_)) out[member.key()] = std::move(member.value());
      return out;
    }
    case Mode::kExclude: {
      json::object out = exclude(doc, tree_);
      if (!include_id_) out.erase("_id");
      return out;
    }
  }
  return doc;
}

json::object Projection::include(const json::object& doc, const PathTree& tree) {
  json::object out;
  for (const auto& member : doc) {
    const auto it = tree.children.find(std::string_view(member.key()));
    if (it == tree.children.end()) continue;
    if (it->second.leaf) {
      out[member.key()] = member.value();
    } else if (member.value().is_object()) {
      out[member.key()] = include(member.value().get_object(), it->second);
    }
  }
  return out;
}

json::object Projection::exclude(const json::object& doc, const PathTree& tree) {
  json::object out;
  for (const auto& member : doc) {
    const auto it = tree.children.find(std::string_view(member.key()));
    if (it == tree.children.end()) {
      out[member.key()] = member.value();
    } else if (!it->second.leaf && member.value().is_object()) {
      out[member.key()] = exclude(member.value().get_object(), it->second);
    }
  }
  return out;
}

}  // namespace bytestore::dataapi
