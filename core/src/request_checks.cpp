#include "request_checks.h"

#include <bytestore/error.hpp>

namespace bytestore::internal {

std::string quote_key(std::string_view key) { return quoted(key, 40); }

void check_key(std::string_view key, const Capabilities& caps) {
  if (key.empty()) throw Error(Errc::invalid_argument, "empty key");
  if (key.size() > caps.max_key_bytes)
    throw Error(Errc::limit_exceeded, "key of " + std::to_string(key.size()) +
                                          " bytes exceeds the " +
                                          std::to_string(caps.max_key_bytes) +
                                          "-byte limit of this backend");
  if (!is_valid_utf8(key))
    throw Error(Errc::invalid_argument, "key " + quote_key(key) + " is not valid UTF-8");
}

void check_keys(std::span<const std::string> keys, const Capabilities& caps) {
  for (const std::string& key : keys) check_key(key, caps);
}

void check_pair(std::string_view key, std::size_t value_bytes, const Capabilities& caps) {
  check_key(key, caps);
  if (value_bytes > caps.max_value_bytes)
    throw Error(Errc::limit_exceeded, "value of " + std::to_string(value_bytes) + " bytes for key " +
                                          quote_key(key) + " exceeds the " +
                                          std::to_string(caps.max_value_bytes) +
                                          "-byte limit of this backend");
}

void check_pairs(std::span<const KeyValue> pairs, const Capabilities& caps) {
  for (const auto& [key, value] : pairs) check_pair(key, value.size(), caps);
}

}  // namespace bytestore::internal
