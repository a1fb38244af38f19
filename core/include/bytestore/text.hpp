// Text as bytestore takes keys and shows them in messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace bytestore {

// Well-formed UTF-8: no overlong forms, surrogates or code points past
// U+10FFFF. Keys and prefixes must be.
bool is_valid_utf8(std::string_view text) noexcept;

// `text` on one line, safe for a terminal or a log: valid UTF-8 passes;
// newline, carriage return and tab become \n \r \t; other control
// characters and bytes that are not valid UTF-8 become \xNN ("\x1b",
// "\xff"). Every user byte in an error message goes through it.
std::string printable(std::string_view text);

// `text` for a message: printable() in single quotes, cut after `shown`
// bytes (at a character boundary) with "..." inside the quotes.
std::string quoted(std::string_view text, std::size_t shown);

}  // namespace bytestore
