// The `compress` layer: values are compressed with zstd on their way to the
// store beneath and decompressed on their way back. Each stored value starts
// with a header byte saying how it is stored (stored_value.h), so values
// stored as is (short or incompressible) and compressed ones coexist.
#include <bytestore/plugin_sdk.hpp>
#include <zstd.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "stored_value.h"

namespace bytestore::layers {

enum class Codec { zstd };
BOOST_DESCRIBE_ENUM(Codec, zstd)

struct CompressOptions {
  Codec codec = Codec::zstd;
  int level = 3;
  sdk::ByteSize min_bytes{64};

  static constexpr std::array docs{
      sdk::OptionDoc{"codec", "How values are compressed; zstd is the only codec so far."},
      sdk::OptionDoc{"level", "zstd's compression level: 1 (fastest) to 22 (smallest), negative for faster still."},
      sdk::OptionDoc{"min_bytes", "Values shorter than this are stored as is: compressing them gains little."},
  };
};
BOOST_DESCRIBE_STRUCT(CompressOptions, (), (codec, level, min_bytes))

class CompressLayer {
 public:
  using Options = CompressOptions;
  static constexpr const char* kName = "compress";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "Layer: values are stored zstd-compressed behind a one-byte header; keys unchanged.";
  // A layer's limits are its inner store's, less the header: see capabilities().
  static constexpr Capabilities kDefaultCapabilities{};

  static void check_options(const Options& options) {
    if (options.level < ZSTD_minCLevel() || options.level > ZSTD_maxCLevel())
      throw Error(Errc::config, "level must be from " + std::to_string(ZSTD_minCLevel()) + " to " +
                                    std::to_string(ZSTD_maxCLevel()) + " (zstd's range), not " +
                                    std::to_string(options.level));
  }

  CompressLayer(const Options& options, sdk::InnerStore inner)
      : encoding_{options.level, options.min_bytes.bytes}, inner_(inner), capabilities_(inner.capabilities()) {
    // encode_value stores an incompressible value as is, so a value needs
    // room for itself and the header byte only.
    if (capabilities_.max_value_bytes < 1)
      throw Error(Errc::config, "the store beneath has no room for the compress layer's 1-byte header");
    capabilities_.max_value_bytes -= 1;
  }

  Capabilities capabilities() const { return capabilities_; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    inner_.mget(keys, [&](std::size_t i, std::string_view stored) {
      sink(i, compress::decode_value(keys[i], stored, capabilities_.max_value_bytes));
    });
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    inner_.mset_values(pairs, [&](std::string_view, std::string_view value) {
      return compress::encode_value(value, encoding_);
    });
  }

  void mdelete(std::span<const std::string_view> keys) { inner_.mdelete(keys); }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<sdk::ForwardingCursor>(inner_.scan(prefix));  // keys are stored unchanged
  }

 private:
  compress::Encoding encoding_;
  sdk::InnerStore inner_;
  Capabilities capabilities_;
};

}  // namespace bytestore::layers

BYTESTORE_PLUGIN(bytestore::layers::CompressLayer)
