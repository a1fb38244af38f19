// The `encrypt` layer: values are sealed with XChaCha20-Poly1305 (libsodium)
// on their way to the store beneath and opened on the way back, each under
// a random nonce and bound to its stored key (sealed_value.h). Keys are not
// encrypted: listing needs them.
#include <bytestore/plugin_sdk.hpp>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "sealed_value.h"
#include "secret_key.h"

namespace bytestore::layers {

struct EncryptOptions {
  std::string key;
  std::string old_keys;

  static constexpr std::array docs{
      sdk::OptionDoc{"key",
                     "32 random bytes in standard base64 (`openssl rand -base64 32`); seals every "
                     "write and opens values first.",
                     sdk::kRequired | sdk::kSecret},
      sdk::OptionDoc{"old_keys",
                     "Comma-separated base64 keys tried after `key` to open values, never to seal: "
                     "for rotating keys.",
                     sdk::kSecret},
  };
};
BOOST_DESCRIBE_STRUCT(EncryptOptions, (), (key, old_keys))

class EncryptLayer {
 public:
  using Options = EncryptOptions;
  static constexpr const char* kName = "encrypt";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "Layer: values sealed with XChaCha20-Poly1305 bound to their key; keys stay readable.";
  // A layer's limits are its inner store's, less the sealing: see capabilities().
  static constexpr Capabilities kDefaultCapabilities{};

  // Runs before every open too, so libsodium is ready before a layer exists.
  static void check_options(const Options& options) {
    encrypt::require_sodium();
    (void)keys_of(options);
  }

  EncryptLayer(const Options& options, sdk::InnerStore inner)
      : keys_(keys_of(options)), inner_(inner), capabilities_(inner.capabilities()) {
    if (capabilities_.max_value_bytes < encrypt::kOverhead)
      throw Error(Errc::config, "the store beneath has no room for the encrypt layer's " +
                                    std::to_string(encrypt::kOverhead) + " bytes of version, nonce and tag");
    capabilities_.max_value_bytes -= encrypt::kOverhead;
  }

  Capabilities capabilities() const { return capabilities_; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    inner_.mget(keys, [&](std::size_t i, std::string_view stored) {
      sink(i, encrypt::open_value(keys_, keys[i], stored));
    });
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    inner_.mset_values(pairs, [&](std::string_view key, std::string_view value) {
      return encrypt::seal_value(keys_.front(), key, value);
    });
  }

  void mdelete(std::span<const std::string_view> keys) { inner_.mdelete(keys); }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<sdk::ForwardingCursor>(inner_.scan(prefix));  // keys are stored unchanged
  }

 private:
  // `key` first (it seals), then the old keys in the order given.
  static std::vector<encrypt::SecretKey> keys_of(const Options& options) {
    std::vector<encrypt::SecretKey> keys{encrypt::parse_key(options.key, "key")};
    for (encrypt::SecretKey& old : encrypt::parse_key_list(options.old_keys, "old_keys")) keys.push_back(old);
    return keys;
  }

  std::vector<encrypt::SecretKey> keys_;
  sdk::InnerStore inner_;
  Capabilities capabilities_;
};

}  // namespace bytestore::layers

BYTESTORE_PLUGIN(bytestore::layers::EncryptLayer)
