// Redis Cluster's hash slot of a key: CRC16 (XMODEM) of the key, or of its
// hash tag (the bytes between the first '{' and the next '}', if any),
// modulo 16384.
#pragma once

#include <cstdint>
#include <string_view>

namespace bytestore::redis {

inline constexpr int kSlotCount = 16384;

std::uint16_t key_slot(std::string_view key);

}  // namespace bytestore::redis
