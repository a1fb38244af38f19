// How the encrypt layer stores a value: a version byte, a random 24-byte
// nonce, then the value sealed with XChaCha20-Poly1305 (ciphertext and
// 16-byte tag), the stored key bound as associated data. A pure format,
// shared by the plugin and its fuzzer.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "secret_key.h"

namespace bytestore::layers::encrypt {

// The version byte of the one format so far.
inline constexpr unsigned char kXChaCha20Poly1305 = 0x01;
// Bytes a stored value has beyond the value: version, nonce and tag.
inline constexpr std::size_t kOverhead = 1 + 24 + 16;

// Initialises libsodium once per process; throws Error(internal) if it
// cannot (no source of randomness).
void require_sodium();

// The stored form of `value` under `stored_key`: kOverhead bytes longer.
std::string seal_value(const SecretKey& key, std::string_view stored_key, std::string_view value);

// The value `stored` holds, opened with the first of `keys` that fits. A
// value that none opens (changed, under another key or key name, or not
// written by this layer) throws Error(corruption) naming `stored_key`.
std::string open_value(std::span<const SecretKey> keys, std::string_view stored_key, std::string_view stored);

}  // namespace bytestore::layers::encrypt
