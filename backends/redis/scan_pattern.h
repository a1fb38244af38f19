// The SCAN MATCH pattern that matches exactly the keys starting with a
// literal prefix: glob characters escaped, then '*'.
#pragma once

#include <string>
#include <string_view>

namespace bytestore::redis {

std::string scan_pattern(std::string_view literal_prefix);

}  // namespace bytestore::redis
