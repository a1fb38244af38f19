#include "collection_setup.h"

#include <bytestore/error.hpp>

#include <future>

namespace bytestore::astra {
namespace json = boost::json;
namespace {

json::object create_command(const std::string& name) {
  return {{"createCollection", {{"name", name}, {"options", collection_options()}}}};
}

// The options the existing collection has, as the server describes them.
std::string existing_options(DataApiClient& client) {
  try {
    const CommandResult r =
        client.keyspace_command_sync({{"findCollections", {{"options", {{"explain", true}}}}}});
    if (const auto* list = r.status.if_contains("collections"); list && list->is_array())
      for (const json::value& c : list->as_array())
        if (c.is_object() && c.as_object().if_contains("name") &&
            c.as_object().at("name") == json::value(client.settings().collection)) {
          const json::value* options = c.as_object().if_contains("options");
          return options ? json::serialize(*options) : "{}";
        }
  } catch (const Error&) {
  }
  return "(could not be read)";
}

// Throws for a failed createCollection, explaining a settings clash.
void check_created(DataApiClient& client, const CommandResult& result) {
  for (const ApiError& e : result.errors)
    if (e.code == "EXISTING_COLLECTION_DIFFERENT_SETTINGS")
      throw Error(Errc::config,
                  "collection '" + client.settings().collection + "' exists with options " +
                      existing_options(client) + ", but this store needs " +
                      json::serialize(collection_options()) +
                      " (values are not indexed, so any size fits); use another collection_name, "
                      "or setup_mode: off to use it as it is");
  for (const ApiError& e : result.errors)
    if (e.code == "TOO_MANY_COLLECTIONS" || e.code == "TOO_MANY_INDEXES_FOR_COLLECTION")
      throw Error(Errc::config,
                  "collection '" + client.settings().collection +
                      "' cannot be created: the database is full (" + e.code + ": " + e.message +
                      "); delete a collection it no longer needs, or set collection_name to an "
                      "existing collection of this format");
  raise_errors(result, "createCollection");
}

}  // namespace

json::object collection_options() {
  return {{"indexing", {{"allow", json::array{"_id"}}}}};
}

void set_up_collection(DataApiClient& client, bool pre_delete) {
  const std::string& name = client.settings().collection;
  if (pre_delete)
    raise_errors(client.keyspace_command_sync({{"deleteCollection", {{"name", name}}}}),
                 "deleteCollection");
  check_created(client, client.keyspace_command_sync(create_command(name)));
}

}  // namespace bytestore::astra
