#include "secret_key.h"

#include <bytestore/error.hpp>
#include <sodium.h>

#include <string>

namespace bytestore::layers::encrypt {

SecretKey::~SecretKey() { sodium_memzero(bytes.data(), bytes.size()); }

SecretKey parse_key(std::string_view base64, std::string_view option) {
  SecretKey key;
  std::size_t decoded = 0;
  const char* end = nullptr;
  // Fails when the text decodes to more than 32 bytes or is not base64.
  const int failed = sodium_base642bin(key.bytes.data(), key.bytes.size(), base64.data(), base64.size(),
                                       nullptr, &decoded, &end, sodium_base64_VARIANT_ORIGINAL);
  if (failed != 0 || decoded != SecretKey::kBytes || end != base64.data() + base64.size())
    throw Error(Errc::config, std::string(option) +
                                  " must be 32 bytes in standard base64: 44 characters, as "
                                  "`openssl rand -base64 32` prints them (this one has " +
                                  std::to_string(base64.size()) + " characters)");
  return key;
}

std::vector<SecretKey> parse_key_list(std::string_view list, std::string_view option) {
  std::vector<SecretKey> keys;
  if (list.find_first_not_of(' ') == std::string_view::npos) return keys;
  for (std::size_t start = 0, n = 1;; ++n) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    std::string_view entry = list.substr(start, comma - start);
    entry.remove_prefix(std::min(entry.find_first_not_of(' '), entry.size()));
    entry.remove_suffix(entry.size() - (entry.find_last_not_of(' ') + 1));
    keys.push_back(parse_key(entry, std::string(option) + " entry " + std::to_string(n)));
    if (comma == list.size()) return keys;
    start = comma + 1;
  }
}

}  // namespace bytestore::layers::encrypt
