// Stored values as the engine beneath hands them back, through the encrypt
// layer's opener: only bytestore::Error (corruption) may come out, and only
// the layer's own sealing opens (the seed `sealed`). The same bytes as a
// value seal and open again unchanged.
#include <bytestore/error.hpp>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "sealed_value.h"
#include "secret_key.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bytestore::layers::encrypt;
  static const std::array<SecretKey, 2> keys = [] {
    require_sodium();
    return std::array<SecretKey, 2>{parse_key("jKs29V5wjTdN1TSj1mgKsf7yvkQ+C4hIzj3xk9WRBqM=", "key"),
                                    parse_key("n2OOi17EZ2RROambffNwegDDeRFgd8bGtoNrDA8c9sY=", "old_keys")};
  }();
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  try {
    const std::string value = open_value(keys, "key\x01", bytes);
    if (value.size() + kOverhead != size) std::abort();
  } catch (const bytestore::Error& e) {
    if (e.code() != bytestore::Errc::corruption) std::abort();
  }
  const std::string sealed = seal_value(keys[1], "k", bytes);
  if (sealed.size() != size + kOverhead || open_value(keys, "k", sealed) != bytes) std::abort();
  // The key text is config input too.
  try {
    (void)parse_key_list(bytes, "old_keys");
  } catch (const bytestore::Error& e) {
    if (e.code() != bytestore::Errc::config) std::abort();
  }
  return 0;
}
