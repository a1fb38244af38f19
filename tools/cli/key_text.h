// Keys as the CLI takes them from argv and shows them in messages.
#pragma once

#include <bytestore/text.hpp>

#include <string>
#include <string_view>

namespace bytestore::cli {

// is_valid_utf8() and printable() are the library's (bytestore/text.hpp).

// `key` for a message: quoted, printable, cut after 60 bytes.
std::string quoted_key(std::string_view key);

// Throws UsageError when a key given on the command line cannot be a key:
// empty, or not UTF-8.
void check_command_line_key(std::string_view key);

// Throws UsageError when a --prefix is not UTF-8 (empty lists every key).
void check_command_line_prefix(std::string_view prefix);

}  // namespace bytestore::cli
