// The encrypt layer's keys as config gives them: 32 random bytes in
// standard base64. Messages about a key never show any of it.
#pragma once

#include <array>
#include <string_view>
#include <vector>

namespace bytestore::layers::encrypt {

// 32 bytes, wiped when destroyed.
class SecretKey {
 public:
  static constexpr std::size_t kBytes = 32;
  SecretKey() = default;
  SecretKey(const SecretKey&) = default;
  SecretKey& operator=(const SecretKey&) = default;
  ~SecretKey();

  std::array<unsigned char, kBytes> bytes{};
};

// The key `base64` encodes; anything but exactly 32 bytes in standard
// base64 (with its padding) throws Error(config) naming `option`, not the
// text.
SecretKey parse_key(std::string_view base64, std::string_view option);

// The comma-separated keys of `old_keys` (spaces around commas allowed;
// empty text: none).
std::vector<SecretKey> parse_key_list(std::string_view list, std::string_view option);

}  // namespace bytestore::layers::encrypt
