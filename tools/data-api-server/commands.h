// The Data API commands: each takes the command's JSON object and answers
// with the parts of the response envelope {"data", "status", "errors"}.
// Keyspace-level commands (createCollection, ...) and database-level ones
// (createKeyspace, findKeyspaces, ...) are in schema_commands.cpp,
// document commands in collection_commands.cpp, the name -> command table
// in command_dispatch.cpp.
#pragma once

#include <boost/json.hpp>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "api_error.h"
#include "database_fault.h"
#include "document_store.h"
#include "knobs.h"

namespace bytestore::dataapi {

namespace json = boost::json;

struct CommandContext {
  DocumentStore& store;
  const Knobs& knobs;
  std::mt19937_64& rng;    // for generated _id values
  std::string keyspace;    // empty for database-level commands
  std::string collection;  // empty for keyspace-level commands
  DocumentLimits limits;
  std::optional<DatabaseFault> db_fault;  // injected under this command
};

struct CommandResponse {
  std::optional<json::object> data;
  json::object status;
  std::vector<ApiError> errors;
};

// Runs the command `name` with its arguments. Throws ApiError for an error
// that fails the whole command, such as the database error of ctx.db_fault
// (inserts report that one per document).
CommandResponse run_command(CommandContext& ctx, const std::string& name, const json::object& args);

// The response body: {"data"?, "status"?, "errors"?}, empty parts left out.
json::object response_envelope(const CommandResponse& response, ServerVersion version, std::mt19937_64& rng);

// Levels of the path a command was sent to.
enum class CommandLevel { kDatabase, kKeyspace, kCollection };

namespace commands {
using Handler = CommandResponse (*)(CommandContext&, const json::object&);
// The command of that name at that level, or nullptr.
Handler find(CommandLevel level, const std::string& name);

CommandResponse create_keyspace(CommandContext&, const json::object&);
CommandResponse find_keyspaces(CommandContext&, const json::object&);
CommandResponse drop_keyspace(CommandContext&, const json::object&);
CommandResponse create_collection(CommandContext&, const json::object&);
CommandResponse find_collections(CommandContext&, const json::object&);
CommandResponse delete_collection(CommandContext&, const json::object&);

CommandResponse insert_one(CommandContext&, const json::object&);
CommandResponse insert_many(CommandContext&, const json::object&);
CommandResponse find_documents(CommandContext&, const json::object&);
CommandResponse find_one(CommandContext&, const json::object&);
CommandResponse find_one_and_replace(CommandContext&, const json::object&);
CommandResponse find_one_and_update(CommandContext&, const json::object&);
CommandResponse find_one_and_delete(CommandContext&, const json::object&);
CommandResponse update_one(CommandContext&, const json::object&);
CommandResponse update_many(CommandContext&, const json::object&);
CommandResponse delete_one(CommandContext&, const json::object&);
CommandResponse delete_many(CommandContext&, const json::object&);
CommandResponse count_documents(CommandContext&, const json::object&);
CommandResponse estimated_document_count(CommandContext&, const json::object&);
}  // namespace commands

}  // namespace bytestore::dataapi
