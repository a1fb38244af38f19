// A key prefix as a range of _id strings, for the Data API's $gte/$lt.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bytestore::astra {

// The smallest valid UTF-8 string greater than every string that starts
// with `prefix` (a valid UTF-8 string): its last code point incremented,
// skipping surrogates, dropping code points already at U+10FFFF. nullopt
// when no such string exists (the prefix is all U+10FFFF).
std::optional<std::string> prefix_successor(std::string_view prefix);

}  // namespace bytestore::astra
