// The end of a prefix listing over text keys: the smallest key above every
// key starting with the prefix, in whole code points, since text must stay
// valid UTF-8 (UTF-8's byte order is code point order, and no encoding is
// a prefix of another). bytea keys end at sdk::prefix_end.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bytestore::postgres {

// nullopt when none is (empty prefix, or all U+10FFFF); `prefix` is valid UTF-8.
std::optional<std::string> code_point_successor(std::string_view prefix);

}  // namespace bytestore::postgres
