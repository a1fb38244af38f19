// The table of commands by name and path level, and the response envelope.
#include <array>
#include <utility>

#include "commands.h"

namespace bytestore::dataapi {
namespace {

struct Entry {
  CommandLevel level;
  const char* name;
  commands::Handler handler;
};

constexpr std::array<Entry, 19> kCommands = {{
    {CommandLevel::kDatabase, "createKeyspace", commands::create_keyspace},
    {CommandLevel::kDatabase, "findKeyspaces", commands::find_keyspaces},
    {CommandLevel::kDatabase, "dropKeyspace", commands::drop_keyspace},
    {CommandLevel::kKeyspace, "createCollection", commands::create_collection},
    {CommandLevel::kKeyspace, "findCollections", commands::find_collections},
    {CommandLevel::kKeyspace, "deleteCollection", commands::delete_collection},
    {CommandLevel::kCollection, "insertOne", commands::insert_one},
    {CommandLevel::kCollection, "insertMany", commands::insert_many},
    {CommandLevel::kCollection, "find", commands::find_documents},
    {CommandLevel::kCollection, "findOne", commands::find_one},
    {CommandLevel::kCollection, "findOneAndReplace", commands::find_one_and_replace},
    {CommandLevel::kCollection, "findOneAndUpdate", commands::find_one_and_update},
    {CommandLevel::kCollection, "findOneAndDelete", commands::find_one_and_delete},
    {CommandLevel::kCollection, "updateOne", commands::update_one},
    {CommandLevel::kCollection, "updateMany", commands::update_many},
    {CommandLevel::kCollection, "deleteOne", commands::delete_one},
    {CommandLevel::kCollection, "deleteMany", commands::delete_many},
    {CommandLevel::kCollection, "countDocuments", commands::count_documents},
    {CommandLevel::kCollection, "estimatedDocumentCount", commands::estimated_document_count},
}};

const char* level_name(CommandLevel level) {
  switch (level) {
    case CommandLevel::kDatabase:
      return "database";
    case CommandLevel::kKeyspace:
      return "keyspace";
    case CommandLevel::kCollection:
      return "collection";
  }
  return "";
}

}  // namespace

commands::Handler commands::find(CommandLevel level, const std::string& name) {
  for (const auto& e : kCommands)
    if (e.level == level && name == e.name) return e.handler;
  return nullptr;
}

CommandResponse run_command(CommandContext& ctx, const std::string& name, const json::object& args) {
  const CommandLevel level = ctx.keyspace.empty()     ? CommandLevel::kDatabase
                             : ctx.collection.empty() ? CommandLevel::kKeyspace
                                                      : CommandLevel::kCollection;
  const auto handler = commands::find(level, name);
  if (handler == nullptr) throw errors::command_unknown(name, level_name(level));
  if (level != CommandLevel::kDatabase && !is_valid_schema_name(ctx.keyspace))
    throw errors::unsupported_schema_name("keyspace", ctx.keyspace);
  if (ctx.db_fault && name != "insertOne" && name != "insertMany") {
    if (ctx.db_fault->applied) handler(ctx, args);  // the writes land; their answer is lost
    throw database_error(*ctx.db_fault, name, ctx.keyspace, ctx.collection, ctx.knobs.version);
  }
  return handler(ctx, args);
}

json::object response_envelope(const CommandResponse& response, ServerVersion version, std::mt19937_64& rng) {
  json::object body;
  if (response.data) body["data"] = *response.data;
  if (!response.status.empty()) body["status"] = response.status;
  if (!response.errors.empty()) {
    json::array list;
    for (const auto& e : response.errors) list.emplace_back(error_to_json(e, version, rng));
    body["errors"] = std::move(list);
  }
  return body;
}

}  // namespace bytestore::dataapi
