// One-dimensional arrays in PostgreSQL's binary wire format, so a whole
// batch of keys or values travels as one parameter, unescaped.
#pragma once

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace bytestore::postgres {

inline constexpr unsigned kByteaOid = 17;
inline constexpr unsigned kByteaArrayOid = 1001;
inline constexpr unsigned kTextOid = 25;
inline constexpr unsigned kTextArrayOid = 1009;

class BinaryArray {
 public:
  // An array of `count` elements of type `element_oid`, none NULL.
  BinaryArray(unsigned element_oid, std::size_t count) {
    put(1);  // dimensions
    put(0);  // has NULLs
    put(element_oid);
    put(static_cast<std::uint32_t>(count));
    put(1);  // lower bound
  }
  void add(std::string_view element) {
    put(static_cast<std::uint32_t>(element.size()));
    bytes_.append(element);
  }
  const std::string& bytes() const { return bytes_; }
  // Bytes an array of `count` elements totalling `payload` bytes takes.
  static std::uint64_t size_of(std::uint64_t count, std::uint64_t payload) { return 20 + 4 * count + payload; }

 private:
  void put(std::uint32_t v) {
    const std::uint32_t big = htonl(v);
    bytes_.append(reinterpret_cast<const char*>(&big), 4);
  }
  std::string bytes_;
};

}  // namespace bytestore::postgres
