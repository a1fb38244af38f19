#include "sealed_value.h"

#include <bytestore/error.hpp>
#include <sodium.h>

#include "common/message_text.h"

namespace bytestore::layers::encrypt {
namespace {

static_assert(kOverhead == 1 + crypto_aead_xchacha20poly1305_ietf_NPUBBYTES + crypto_aead_xchacha20poly1305_ietf_ABYTES);
static_assert(SecretKey::kBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);
constexpr std::size_t kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;

const unsigned char* bytes(std::string_view text) { return reinterpret_cast<const unsigned char*>(text.data()); }

[[noreturn]] void corrupt(std::string_view key, const std::string& why) {
  throw Error(Errc::corruption, "value of " + quoted_key(key) + " " + why);
}

}  // namespace

void require_sodium() {
  static const int status = sodium_init();  // thread-safe, once
  if (status < 0) throw Error(Errc::internal, "libsodium could not be initialised");
}

std::string seal_value(const SecretKey& key, std::string_view stored_key, std::string_view value) {
  std::string stored(kOverhead + value.size(), '\0');
  auto* out = reinterpret_cast<unsigned char*>(stored.data());
  out[0] = kXChaCha20Poly1305;
  unsigned char* nonce = out + 1;
  // Random nonces: 192 bits make a repeat negligible however many values
  // one key seals, with no counter to keep.
  randombytes_buf(nonce, kNonceBytes);
  unsigned long long sealed = 0;
  crypto_aead_xchacha20poly1305_ietf_encrypt(nonce + kNonceBytes, &sealed, bytes(value), value.size(),
                                             bytes(stored_key), stored_key.size(), nullptr, nonce,
                                             key.bytes.data());
  return stored;
}

std::string open_value(std::span<const SecretKey> keys, std::string_view stored_key, std::string_view stored) {
  if (stored.size() < kOverhead)
    corrupt(stored_key, "is " + std::to_string(stored.size()) + " bytes, too short for a value the encrypt layer wrote (" +
                            std::to_string(kOverhead) + " at least): it was not written by the encrypt layer");
  if (static_cast<unsigned char>(stored[0]) != kXChaCha20Poly1305)
    corrupt(stored_key, "has unknown version byte " + hex_byte(static_cast<unsigned char>(stored[0])) +
                            ": it was not written by the encrypt layer, or by a newer version");
  const unsigned char* nonce = bytes(stored) + 1;
  const std::string_view sealed = stored.substr(1 + kNonceBytes);
  std::string value(sealed.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
  for (const SecretKey& key : keys) {
    unsigned long long size = 0;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(reinterpret_cast<unsigned char*>(value.data()), &size, nullptr,
                                                   bytes(sealed), sealed.size(), bytes(stored_key),
                                                   stored_key.size(), nonce, key.bytes.data()) == 0)
      return value;
  }
  corrupt(stored_key, std::string("does not open with the key") +
                          (keys.size() > 1 ? " or any of the " + std::to_string(keys.size() - 1) + " old keys" : "") +
                          ": it was changed, written under another key or for another key name, or not "
                          "written by the encrypt layer");
}

}  // namespace bytestore::layers::encrypt
