// Checks core applies to every request before a plugin sees it, so each
// backend refuses bad keys and oversized values the same way (C6).
#pragma once

#include <bytestore/byte_store.hpp>
#include <bytestore/capabilities.hpp>

#include <span>
#include <string>
#include <string_view>

#include "utf8_text.h"

namespace bytestore::internal {

// Throws invalid_argument for an empty or non-UTF-8 key, limit_exceeded
// for one longer than caps.max_key_bytes.
void check_key(std::string_view key, const Capabilities& caps);
void check_keys(std::span<const std::string> keys, const Capabilities& caps);
// Also throws limit_exceeded for a value over caps.max_value_bytes.
void check_pairs(std::span<const KeyValue> pairs, const Capabilities& caps);
// check_key, and limit_exceeded for a value of `value_bytes` over the limit.
void check_pair(std::string_view key, std::size_t value_bytes, const Capabilities& caps);

// `key` as it may appear in a message: quoted, cut to a readable length,
// its control characters and invalid bytes escaped.
std::string quote_key(std::string_view key);

}  // namespace bytestore::internal
