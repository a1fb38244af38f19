#include "api_error.h"

#include <map>

#include "json_values.h"

namespace bytestore::dataapi {
namespace {

ApiError request(std::string scope, std::string code, std::string title, std::string message) {
  return ApiError("REQUEST", std::move(scope), std::move(code), std::move(title), std::move(message));
}

std::string show(const json::value& v) {
  return v.is_string() ? "'" + std::string(v.get_string()) + "'" : json::serialize(v);
}

struct OlderCode {
  const char* current;
  const char* older;
  unsigned since;  // the first release with the current code
};

// What releases before `since` called these conditions.
constexpr OlderCode kOlderCodes[] = {
    {"FILTER_INVALID_EXPRESSION", "INVALID_FILTER_EXPRESSION", ServerVersion::kCurrentCodes},
    {"FILTER_UNSUPPORTED_OPERATOR", "UNSUPPORTED_FILTER_OPERATION", ServerVersion::kCurrentCodes},
    {"FILTER_PATH_UNINDEXED", "UNINDEXED_FILTER_PATH", ServerVersion::kCurrentCodes},
    {"FILTER_ID_NOT_INDEXED", "ID_NOT_INDEXED", ServerVersion::kCurrentCodes},
    {"UNKNOWN_KEYSPACE", "KEYSPACE_DOES_NOT_EXIST", ServerVersion::kUnknownKeyspace},
    {"COMMAND_FIELD_VALUE_INVALID", "COMMAND_FIELD_INVALID", ServerVersion::kCurrentCodes},
    {"UNSUPPORTED_SCHEMA_NAME", "COMMAND_FIELD_INVALID", ServerVersion::kSchemaNameCode},
    {"UNEXPECTED_SERVER_ERROR", "SERVER_UNHANDLED_ERROR", ServerVersion::kCurrentCodes},
    {"SHRED_BAD_DOCID_VALUE", "SHRED_BAD_DOCID_EMPTY_STRING", ServerVersion::kCurrentCodes},
    {"TIMEOUT_READING_DATA", "SERVER_DRIVER_TIMEOUT", ServerVersion::kCurrentCodes},
    {"TIMEOUT_WRITING_DATA", "SERVER_DRIVER_TIMEOUT", ServerVersion::kCurrentCodes},
    {"UNAVAILABLE_DATABASE", "SERVER_QUERY_EXECUTION_FAILURE", ServerVersion::kCurrentCodes},
    {"TOO_MANY_INDEXES_FOR_COLLECTION", "TOO_MANY_INDEXES", ServerVersion::kCurrentCodes},
    {"UNKNOWN_COLLECTION_OR_TABLE", "COLLECTION_NOT_EXIST", ServerVersion::kUnknownCollectionName},
};

}  // namespace

std::string error_code_of(const std::string& code, ServerVersion version) {
  for (const auto& c : kOlderCodes)
    if (code == c.current && !version.at_least(c.since)) return c.older;
  return code;
}

json::object error_to_json(const ApiError& error, ServerVersion version, std::mt19937_64& rng) {
  json::object out;
  if (!version.at_least(ServerVersion::kErrorObjects)) {
    out["message"] = error.title + ": " + error.detail;
    out["errorCode"] = error_code_of(error.code, version);
    return out;
  }
  out["id"] = random_uuid(rng);
  out["family"] = error.family;
  out["scope"] = error.scope;
  out["errorCode"] = error_code_of(error.code, version);
  out["title"] = error.title;
  out["message"] = error.detail;
  if (!error.document_ids.empty()) out["documentIds"] = json::array(error.document_ids.begin(), error.document_ids.end());
  return out;
}

namespace errors {

ApiError command_unknown(const std::string& command, const std::string& level) {
  return request("", "COMMAND_UNKNOWN", "Command is not recognized by Data API",
                 "Command '" + command + "' is not a " + level + " command known to this server.");
}

ApiError command_field_invalid(const std::string& field, const std::string& why) {
  return request("", "COMMAND_FIELD_VALUE_INVALID", "Command field value invalid",
                 "Command field '" + field + "' value not valid: " + why + ".");
}

ApiError request_not_json(const std::string& why) {
  return request("", "REQUEST_NOT_JSON", "Request not valid JSON", "Request not valid JSON, problem: " + why + ".");
}

ApiError request_structure_mismatch(const std::string& why) {
  return request("", "REQUEST_STRUCTURE_MISMATCH", "Request structure not valid",
                 "Request is valid JSON but has a structural mismatch: " + why + ".");
}

ApiError document_already_exists(const json::value& id) {
  auto e = request("DOCUMENT", "DOCUMENT_ALREADY_EXISTS", "Document the given _id already exists",
                   "Cannot insert the document with _id " + show(id) +
                       ": a document with that _id already exists. Use a distinct _id, or a replace or update "
                       "command.");
  e.document_ids.push_back(id);
  return e;
}

ApiError document_replace_different_docid(const json::value& replace_id, const json::value& matched_id) {
  return request("DOCUMENT", "DOCUMENT_REPLACE_DIFFERENT_DOCID", "Replacement document has a different _id",
                 "The replacement has _id " + show(replace_id) + " but the matched document has _id " +
                     show(matched_id) + ".");
}

ApiError doc_limit_violation(const std::string& why) {
  return request("DOCUMENT", "SHRED_DOC_LIMIT_VIOLATION", "Document size limitation violated",
                 "Document size limitation violated: " + why + ".");
}

ApiError bad_docid(const std::string& why) {
  return request("DOCUMENT", "SHRED_BAD_DOCID_TYPE", "Bad type for '_id' field", "Bad '_id' value: " + why + ".");
}

ApiError bad_document_type(const std::string& why) {
  return request("DOCUMENT", "SHRED_BAD_DOCUMENT_TYPE", "Bad document type to shred",
                 "Bad document type to shred: " + why + ".");
}

ApiError filter_invalid_expression(const std::string& why) {
  return request("FILTER", "FILTER_INVALID_EXPRESSION", "Unsupported filter clause",
                 "Unsupported filter clause: " + why + ".");
}

ApiError filter_unsupported_operator(const std::string& op) {
  return request("FILTER", "FILTER_UNSUPPORTED_OPERATOR", "Unsupported filter operator",
                 "Unsupported filter operator '" + op + "'.");
}

ApiError filter_path_unindexed(const std::string& path) {
  return request("FILTER", "FILTER_PATH_UNINDEXED", "Collection path used in filter clause not indexed",
                 "Collection path '" + path + "' is not indexed: cannot filter on that path.");
}

ApiError filter_id_not_indexed(const std::string& op) {
  return request("FILTER", "FILTER_ID_NOT_INDEXED",
                 "Collection field '_id' not indexed can only filter with '$eq' or '$in'",
                 "Collection field '_id' is not indexed, so it can only be filtered with '$eq' or '$in', not '" +
                     op + "'.");
}

ApiError filter_multiple_id() {
  return request("FILTER", "FILTER_MULTIPLE_ID_FILTER", "Can only have one '_id' equals filter clause",
                 "The filter names '_id' in more than one expression, which is not supported; use one '$in' "
                 "(or one range operator) instead.");
}

ApiError filter_fields_limit(std::size_t count, std::size_t max) {
  return request("FILTER", "FILTER_FIELDS_LIMIT_VIOLATION", "Filter fields size limitation violated",
                 "The filter has " + std::to_string(count) + " expressions, over the maximum of " +
                     std::to_string(max) + ".");
}

ApiError empty_docid() {
  return request("DOCUMENT", "SHRED_BAD_DOCID_VALUE", "Bad value for '_id' field",
                 "Bad value for '_id' field: the empty String is not allowed.");
}

ApiError projection_invalid(const std::string& why) {
  return request("PROJECTION", "UNSUPPORTED_PROJECTION_PARAM", "Unsupported projection parameter",
                 "Unsupported projection parameter: " + why + ".");
}

ApiError projection_definition_invalid() {
  return request("PROJECTION", "UNSUPPORTED_PROJECTION_DEFINITION", "Unsupported projection definition",
                 "The projection must be a JSON Object.");
}

ApiError sort_invalid(const std::string& why) {
  return request("SORT", "SORT_CLAUSE_INVALID", "Sort clause used by command not valid", "Sort clause not valid: " + why + ".");
}

ApiError update_invalid(const std::string& code, const std::string& why) {
  return request("UPDATE", code, "Unsupported update operation", why + ".");
}

ApiError existing_collection_different_settings(const std::string& name) {
  return request("SCHEMA", "EXISTING_COLLECTION_DIFFERENT_SETTINGS",
                 "Collection already exists with different settings",
                 "Collection '" + name +
                     "' already exists but with settings different from the ones passed with 'createCollection'. "
                     "Delete it first to re-create it with other settings.");
}

ApiError invalid_collection_options(const std::string& why) {
  return request("SCHEMA", "INVALID_CREATE_COLLECTION_OPTIONS", "Invalid options for createCollection",
                 "The options for 'createCollection' are not valid: " + why + ".");
}

ApiError invalid_indexing(const std::string& why) {
  return request("SCHEMA", "INVALID_INDEXING_DEFINITION", "Invalid indexing definition",
                 "The 'indexing' of 'createCollection' is not valid: " + why + ".");
}

ApiError invalid_create_collection_field(const std::string& why) {
  return request("", "INVALID_CREATE_COLLECTION_FIELD", "Invalid field(s) for createCollection",
                 "Invalid field for 'createCollection': " + why + ".");
}

ApiError unsupported_schema_name(const std::string& what, const std::string& name) {
  return request("SCHEMA", "UNSUPPORTED_SCHEMA_NAME", "The used schema name is not supported",
                 "The " + what + " name '" + name +
                     "' is not supported: names are 1 to 48 letters, digits or underscores.");
}

ApiError too_many_collections(const std::string& name, std::size_t max, std::size_t count) {
  return request("SCHEMA", "TOO_MANY_COLLECTIONS", "Too many collections",
                 "Cannot create collection '" + name + "': the maximum number of collections per database is " +
                     std::to_string(max) + ", database already has " + std::to_string(count) + ".");
}

ApiError too_many_indexes(const std::string& keyspace, const std::string& name, std::size_t per_collection) {
  return request("SCHEMA", "TOO_MANY_INDEXES_FOR_COLLECTION", "Cannot create collection due to number of existing indexes",
                 "Cannot create collection " + keyspace + "." + name +
                     ": the database has too few free indexes left for a new collection, which needs " +
                     std::to_string(per_collection) + ". Drop collections to free indexes.");
}

ApiError unknown_keyspace(const std::string& keyspace) {
  return request("SCHEMA", "UNKNOWN_KEYSPACE", "Keyspace does not exist in the Database",
                 "The command tried to use the keyspace '" + keyspace + "', which does not exist.");
}

ApiError unknown_collection(const std::string& keyspace, const std::string& collection) {
  return request("SCHEMA", "UNKNOWN_COLLECTION_OR_TABLE", "Collection or Table does not exist in the Keyspace",
                 "The command tried to use the collection '" + collection + "', which does not exist in keyspace '" +
                     keyspace + "'.");
}

ApiError unexpected_server_error(const std::string& why) {
  return ApiError("SERVER", "", "UNEXPECTED_SERVER_ERROR", "Unexpected server error",
                  "The server failed while processing the request: " + why +
                      ". Whether a retry can succeed depends on that message.");
}

namespace {

ApiError database(std::string code, std::string title, const std::string& what, const std::string& keyspace,
                  const std::string& table, ServerVersion version, unsigned older_status) {
  ApiError e("SERVER", "DATABASE", std::move(code), std::move(title),
             what + " (injected by this server). Keyspace and collection: " + keyspace + "." + table +
                 ". It is safe to retry this request.");
  // Servers before 1.0.35 answered driver failures with a 5xx status.
  if (!version.at_least(ServerVersion::kCurrentCodes)) e.http_status = older_status;
  return e;
}

}  // namespace

ApiError timeout_writing_data(const std::string& keyspace, const std::string& table, ServerVersion version) {
  return database("TIMEOUT_WRITING_DATA", "Timeout writing data to the database",
                  "A database query of the command timed out before enough replicas confirmed the write", keyspace,
                  table, version, 504);
}

ApiError timeout_reading_data(const std::string& keyspace, const std::string& table, ServerVersion version) {
  return database("TIMEOUT_READING_DATA", "Timeout reading data from the database",
                  "A database query of the command timed out before enough replicas answered", keyspace, table,
                  version, 504);
}

ApiError unavailable_database(const std::string& keyspace, const std::string& table, ServerVersion version) {
  return database("UNAVAILABLE_DATABASE", "The database is unavailable",
                  "The database refused to start a query of the command: not enough replicas were available",
                  keyspace, table, version, 500);
}

ApiError missing_token() {
  return request("SECURITY", "MISSING_AUTHENTICATION_TOKEN", "Missing authorization token",
                 "The request did not include a token in the 'Token' header.");
}

ApiError bad_token() {
  return request("SECURITY", "UNAUTHENTICATED_REQUEST", "Authentication failed",
                 "Authentication failed for the request: the token is not valid.");
}

ApiError unsupported_content_type() {
  return request("", "UNSUPPORTED_CONTENT_TYPE", "Unsupported Content-Type",
                 "Request sent with an unsupported 'Content-Type'; only application/json is accepted.");
}

}  // namespace errors
}  // namespace bytestore::dataapi
