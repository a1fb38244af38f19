// The end of a prefix listing: the smallest key above every key starting
// with the prefix. As bytes for bytea keys; as whole code points for text
// keys, which must stay valid UTF-8 (UTF-8's byte order is code point
// order, and no encoding is a prefix of another).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bytestore::postgres {

// nullopt when no key is above them all (empty prefix, or all 0xFF).
std::optional<std::string> byte_successor(std::string_view prefix);

// nullopt when none is (empty prefix, or all U+10FFFF); `prefix` is valid UTF-8.
std::optional<std::string> code_point_successor(std::string_view prefix);

}  // namespace bytestore::postgres
