// Byte-wise key ranges: a prefix scan is [prefix, successor(prefix)).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace bytestore::sqlite {

// The smallest byte string greater than every string starting with
// `prefix`, or nullopt when there is none (prefix empty or all 0xFF).
inline std::optional<std::string> successor(std::string_view prefix) {
  std::string bound(prefix);
  while (!bound.empty() && static_cast<unsigned char>(bound.back()) == 0xFF) bound.pop_back();
  if (bound.empty()) return std::nullopt;
  bound.back() = static_cast<char>(static_cast<unsigned char>(bound.back()) + 1);
  return bound;
}

}  // namespace bytestore::sqlite
