#include "database_fault.h"

#include <array>
#include <string_view>

namespace bytestore::dataapi {

bool is_write_command(const std::string& command) {
  static constexpr std::array<std::string_view, 13> kWrites = {
      "insertOne",        "insertMany",     "findOneAndReplace", "findOneAndUpdate", "findOneAndDelete",
      "updateOne",        "updateMany",     "deleteOne",         "deleteMany",       "createCollection",
      "deleteCollection", "createKeyspace", "dropKeyspace"};
  for (const auto name : kWrites)
    if (name == command) return true;
  return false;
}

ApiError database_error(const DatabaseFault& fault, const std::string& command, const std::string& keyspace,
                        const std::string& table, ServerVersion version) {
  if (fault.kind == DatabaseFault::Kind::kUnavailable) return errors::unavailable_database(keyspace, table, version);
  return is_write_command(command) ? errors::timeout_writing_data(keyspace, table, version)
                                   : errors::timeout_reading_data(keyspace, table, version);
}

}  // namespace bytestore::dataapi
