// Database-level (keyspaces) and keyspace-level (collections) commands.
#include <algorithm>

#include "commands.h"
#include "json_values.h"

namespace bytestore::dataapi {
namespace {

std::string name_argument(const json::object& args, const char* what) {
  const auto* name = args.if_contains("name");
  if (name == nullptr || !name->is_string())
    throw errors::command_field_invalid("name", std::string("the ") + what + " name must be a string");
  const std::string text(name->get_string());
  if (!is_valid_schema_name(text)) throw errors::unsupported_schema_name(what, text);
  return text;
}

CommandResponse ok() {
  CommandResponse r;
  r.status["ok"] = 1;
  return r;
}

// Options as compared and shown: members whose value is null left out.
json::object normalized_options(const json::value* options) {
  json::object out;
  if (options == nullptr || options->is_null()) return out;
  if (!options->is_object()) throw errors::invalid_collection_options("'options' must be an object");
  for (const auto& m : options->get_object())
    if (!m.value().is_null()) out[m.key()] = m.value();
  return out;
}

// Options as compared on re-creation: indexing paths are sets, as the real
// server compares them, so ["a", "_id"] equals ["_id", "a"].
json::object comparable_options(json::object options) {
  if (auto* indexing = options.if_contains("indexing"); indexing != nullptr && indexing->is_object()) {
    for (const char* which : {"allow", "deny"}) {
      auto* list = indexing->get_object().if_contains(which);
      if (list == nullptr || !list->is_array()) continue;
      auto& paths = list->get_array();
      std::sort(paths.begin(), paths.end(), [](const json::value& a, const json::value& b) {
        return json::serialize(a) < json::serialize(b);
      });
    }
  }
  return options;
}

}  // namespace

CommandResponse commands::create_keyspace(CommandContext& ctx, const json::object& args) {
  ctx.store.create_keyspace(name_argument(args, "keyspace"));
  return ok();
}

CommandResponse commands::find_keyspaces(CommandContext& ctx, const json::object&) {
  CommandResponse r;
  json::array names;
  for (const auto& name : ctx.store.keyspaces()) names.emplace_back(name);
  r.status["keyspaces"] = std::move(names);
  return r;
}

CommandResponse commands::drop_keyspace(CommandContext& ctx, const json::object& args) {
  ctx.store.drop_keyspace(name_argument(args, "keyspace"));
  return ok();
}

CommandResponse commands::create_collection(CommandContext& ctx, const json::object& args) {
  const auto name = name_argument(args, "collection");
  auto options = normalized_options(args.if_contains("options"));
  auto indexing = IndexingPolicy::from_option(options.if_contains("indexing"));
  auto& collections = ctx.store.collections(ctx.keyspace);
  if (const auto it = collections.find(name); it != collections.end()) {
    if (!values_equal(comparable_options(it->second.options), comparable_options(options)))
      throw errors::existing_collection_different_settings(name);
    return ok();
  }
  // Limits count over the whole database, every keyspace, as the real
  // server does: collections, then the indexes they use.
  std::size_t count = 0;
  std::size_t indexes_used = 0;
  for (const auto& keyspace : ctx.store.keyspaces()) {
    for (const auto& [other_name, other] : ctx.store.collections(keyspace)) {
      ++count;
      indexes_used += other.indexing.database_indexes();
    }
  }
  if (ctx.knobs.max_collections > 0 && count >= ctx.knobs.max_collections)
    throw errors::too_many_collections(name, ctx.knobs.max_collections, count);
  if (ctx.knobs.max_indexes > 0 && indexes_used + ctx.knobs.indexes_per_collection > ctx.knobs.max_indexes)
    throw errors::too_many_indexes(ctx.keyspace, name, ctx.knobs.indexes_per_collection);
  auto& created = collections[name];
  created.name = name;
  created.options = std::move(options);
  created.indexing = std::move(indexing);
  return ok();
}

CommandResponse commands::find_collections(CommandContext& ctx, const json::object& args) {
  bool explain = false;
  if (const auto* options = args.if_contains("options"); options != nullptr && options->is_object())
    if (const auto* e = options->get_object().if_contains("explain"); e != nullptr && e->is_bool())
      explain = e->get_bool();
  json::array list;
  for (const auto& [name, collection] : ctx.store.collections(ctx.keyspace)) {
    if (explain) list.emplace_back(json::object{{"name", name}, {"options", collection.options}});
    else list.emplace_back(name);
  }
  CommandResponse r;
  r.status["collections"] = std::move(list);
  return r;
}

CommandResponse commands::delete_collection(CommandContext& ctx, const json::object& args) {
  const auto name = name_argument(args, "collection");
  ctx.store.collections(ctx.keyspace).erase(name);
  return ok();
}

}  // namespace bytestore::dataapi
