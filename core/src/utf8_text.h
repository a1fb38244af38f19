// UTF-8 as core meets it: checking keys, and making user bytes safe to
// print (error messages reach terminals and logs).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bytestore::internal {

bool is_valid_utf8(std::string_view text) noexcept;

// The length of the well-formed UTF-8 sequence `text` starts with (no
// overlong forms, surrogates or code points past U+10FFFF); 0 if none.
std::size_t utf8_sequence_length(std::string_view text) noexcept;

// `text` on one line, safe for a terminal: valid UTF-8 passes; newline,
// carriage return and tab become \n \r \t; other control characters and
// bytes that are not valid UTF-8 become \xNN.
std::string printable(std::string_view text);

}  // namespace bytestore::internal
