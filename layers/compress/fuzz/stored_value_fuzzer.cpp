// Stored values as the engine beneath hands them back, through the compress
// layer's decoder: only bytestore::Error may come out, and what decodes
// encodes and decodes again to the same value.
#include <bytestore/error.hpp>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "stored_value.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace bytestore::layers::compress;
  // Small, so that frames claiming large sizes are refused, not allocated.
  constexpr std::uint64_t kMaxValueBytes = 1 << 20;
  const std::string_view stored(reinterpret_cast<const char*>(data), size);
  std::string value;
  try {
    value = decode_value("key\x01", stored, kMaxValueBytes);
  } catch (const bytestore::Error& e) {
    if (e.code() != bytestore::Errc::corruption) std::abort();
    return 0;
  }
  if (value.size() > kMaxValueBytes) std::abort();
  const std::string again = encode_value(value, Encoding{1, 16});
  if (again.size() > value.size() + 1) std::abort();
  if (decode_value("key", again, kMaxValueBytes) != value) std::abort();
  return 0;
}
