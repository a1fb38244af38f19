// The release of the real Data API server (stargate/data-api, 1.0.N) whose
// behaviour this server copies. Behaviours changed at several releases;
// each constant below is the first release with the newer behaviour (from
// the real server's sources and CHANGELOG at those tags).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bytestore::dataapi {

struct ServerVersion {
  // The oldest release copied (what --legacy selects) and the newest.
  static constexpr unsigned kOldest = 18;
  static constexpr unsigned kNewest = 51;

  // Error objects {id, family, scope, errorCode, title, message}; before,
  // only {message, errorCode}.
  static constexpr unsigned kErrorObjects = 19;
  // UNSUPPORTED_SCHEMA_NAME for bad keyspace and collection names; before,
  // the generic COMMAND_FIELD_INVALID.
  static constexpr unsigned kSchemaNameCode = 22;
  // $gt/$gte/$lt/$lte on a string _id, and an _id $in answered in one page;
  // before, ranges took only numbers and dates and $in was paged.
  static constexpr unsigned kIdRanges = 26;
  // UNKNOWN_KEYSPACE; before, KEYSPACE_DOES_NOT_EXIST.
  static constexpr unsigned kUnknownKeyspace = 34;
  // Collections report current codes (FILTER_*, UNKNOWN_KEYSPACE,
  // COMMAND_FIELD_VALUE_INVALID, UNEXPECTED_SERVER_ERROR, ...) and database
  // failures as HTTP 200 errors (TIMEOUT_*_DATA, UNAVAILABLE_DATABASE);
  // before, the older codes and SERVER_DRIVER_TIMEOUT at HTTP 504.
  static constexpr unsigned kCurrentCodes = 35;
  // UNKNOWN_COLLECTION_OR_TABLE; before, COLLECTION_NOT_EXIST.
  static constexpr unsigned kUnknownCollectionName = 41;
  // find pages of 50; before, 20.
  static constexpr unsigned kPagesOf50 = 47;

  unsigned patch = kNewest;  // 1.0.<patch>; below kOldest behaves as kOldest

  bool at_least(unsigned release) const { return patch >= release; }
  std::string to_string() const;
  // "1.0.N"; nullopt for anything else.
  static std::optional<ServerVersion> parse(std::string_view text);
};

}  // namespace bytestore::dataapi
