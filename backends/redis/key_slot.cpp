#include "key_slot.h"

#include <boost/crc.hpp>

namespace bytestore::redis {

std::uint16_t key_slot(std::string_view key) {
  if (const std::size_t open = key.find('{'); open != std::string_view::npos) {
    const std::size_t close = key.find('}', open + 1);
    // "{}" is no tag: the whole key is hashed.
    if (close != std::string_view::npos && close > open + 1) key = key.substr(open + 1, close - open - 1);
  }
  boost::crc_optimal<16, 0x1021, 0, 0, false, false> crc;  // XMODEM
  crc.process_bytes(key.data(), key.size());
  return static_cast<std::uint16_t>(crc.checksum() % kSlotCount);
}

}  // namespace bytestore::redis
