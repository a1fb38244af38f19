// UTF-8 as core meets it: checking keys, and making user bytes safe to
// print (error messages reach terminals and logs).
#pragma once

#include <bytestore/text.hpp>

#include <cstddef>
#include <string>
#include <string_view>

namespace bytestore::internal {

using ::bytestore::is_valid_utf8;
using ::bytestore::printable;
using ::bytestore::quoted;

// The length of the well-formed UTF-8 sequence `text` starts with (no
// overlong forms, surrogates or code points past U+10FFFF); 0 if none.
std::size_t utf8_sequence_length(std::string_view text) noexcept;

}  // namespace bytestore::internal
