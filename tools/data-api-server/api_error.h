// Command errors as the Data API reports them: HTTP 200 with an `errors`
// array of {id, family, scope, errorCode, title, message, documentIds?}.
// Copying an older server (--server-version, --legacy), errors take the
// codes of that release and, before 1.0.19, the shape {message, errorCode}.
#pragma once

#include <boost/json.hpp>

#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "server_version.h"

namespace bytestore::dataapi {

namespace json = boost::json;

struct ApiError : std::runtime_error {
  ApiError(std::string family, std::string scope, std::string code, std::string title, std::string message)
      : std::runtime_error(message), family(std::move(family)), scope(std::move(scope)), code(std::move(code)),
        title(std::move(title)), detail(std::move(message)) {}

  std::string family;  // "REQUEST" | "SERVER"
  std::string scope;   // "" when unscoped
  std::string code;
  std::string title;
  std::string detail;
  std::vector<json::value> document_ids;
  // The HTTP status of a response carrying this error: 200 but for the
  // database failures of servers before 1.0.35 (504, 500).
  unsigned http_status = 200;
};

// The code `version` used for what current servers call `code`.
std::string error_code_of(const std::string& code, ServerVersion version);

// The JSON object of one error as `version` sends it; `rng` makes its id.
json::object error_to_json(const ApiError& error, ServerVersion version, std::mt19937_64& rng);

// The errors this server raises, by Data API errorCode.
namespace errors {
ApiError command_unknown(const std::string& command, const std::string& level);
ApiError command_field_invalid(const std::string& field, const std::string& why);
ApiError request_not_json(const std::string& why);
ApiError request_structure_mismatch(const std::string& why);
ApiError document_already_exists(const json::value& id);
ApiError document_replace_different_docid(const json::value& replace_id, const json::value& matched_id);
ApiError doc_limit_violation(const std::string& why);
ApiError bad_docid(const std::string& why);
ApiError bad_document_type(const std::string& why);
ApiError filter_invalid_expression(const std::string& why);
ApiError filter_unsupported_operator(const std::string& op);
ApiError filter_path_unindexed(const std::string& path);
ApiError filter_id_not_indexed(const std::string& op);
ApiError filter_multiple_id();
ApiError filter_fields_limit(std::size_t count, std::size_t max);
ApiError empty_docid();
ApiError projection_invalid(const std::string& why);
ApiError projection_definition_invalid();
ApiError sort_invalid(const std::string& why);
ApiError update_invalid(const std::string& code, const std::string& why);
ApiError existing_collection_different_settings(const std::string& name);
ApiError invalid_collection_options(const std::string& why);
ApiError invalid_indexing(const std::string& why);
ApiError invalid_create_collection_field(const std::string& why);
ApiError unsupported_schema_name(const std::string& what, const std::string& name);
ApiError too_many_collections(const std::string& name, std::size_t max, std::size_t count);
ApiError too_many_indexes(const std::string& keyspace, const std::string& name, std::size_t per_collection);
ApiError unknown_keyspace(const std::string& keyspace);
ApiError unknown_collection(const std::string& keyspace, const std::string& collection);
ApiError unexpected_server_error(const std::string& why);
// Database failures (family SERVER, scope DATABASE, safe to retry) of a
// command on keyspace.table, as `version` reports them.
ApiError timeout_writing_data(const std::string& keyspace, const std::string& table, ServerVersion version);
ApiError timeout_reading_data(const std::string& keyspace, const std::string& table, ServerVersion version);
ApiError unavailable_database(const std::string& keyspace, const std::string& table, ServerVersion version);
ApiError missing_token();
ApiError bad_token();
ApiError unsupported_content_type();
}  // namespace errors

}  // namespace bytestore::dataapi
