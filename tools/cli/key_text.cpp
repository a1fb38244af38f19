#include "key_text.h"

#include <bytestore/text.hpp>

#include "cli_args.h"

namespace bytestore::cli {
std::string quoted_key(std::string_view key) {
  constexpr std::size_t kShown = 60;
  return quoted(key, kShown) + (key.size() > kShown ? " (" + std::to_string(key.size()) + " bytes)" : "");
}

void check_command_line_key(std::string_view key) {
  if (key.empty()) throw UsageError("a key cannot be empty");
  if (!is_valid_utf8(key))
    throw UsageError("key " + quoted_key(key) + " is not valid UTF-8; keys are UTF-8 text");
}

void check_command_line_prefix(std::string_view prefix) {
  if (!is_valid_utf8(prefix))
    throw UsageError("prefix " + quoted_key(prefix) + " is not valid UTF-8; keys are UTF-8 text");
}

}  // namespace bytestore::cli
