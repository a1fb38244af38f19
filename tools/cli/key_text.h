// Keys as the CLI takes them from argv and shows them in messages.
#pragma once

#include <string>
#include <string_view>

namespace bytestore::cli {

bool is_valid_utf8(std::string_view text) noexcept;

// `text` on one line, safe for a terminal: valid UTF-8 passes; newline,
// carriage return and tab become \n \r \t; other control characters and
// bytes that are not valid UTF-8 become \xNN ("\x1b", "\xff").
std::string printable(std::string_view text);

// `key` for a message: quoted, printable, cut after 60 bytes.
std::string quoted_key(std::string_view key);

// Throws UsageError when a key given on the command line cannot be a key:
// empty, or not UTF-8.
void check_command_line_key(std::string_view key);

// Throws UsageError when a --prefix is not UTF-8 (empty lists every key).
void check_command_line_prefix(std::string_view prefix);

}  // namespace bytestore::cli
