// A third party's layer, built only against the installed package: values
// are stored reversed, so the store beneath never holds them as written.
#include <bytestore/plugin_sdk.hpp>

#include <algorithm>
#include <array>
#include <memory>
#include <string>
#include <vector>

namespace outside {

namespace sdk = bytestore::sdk;

struct ReverseOptions {
  bool enabled = true;

  static constexpr std::array docs{
      sdk::OptionDoc{"enabled", "Reverse the values (false: pass them as they are)."},
  };
};
BOOST_DESCRIBE_STRUCT(ReverseOptions, (), (enabled))

class ReverseLayer {
 public:
  using Options = ReverseOptions;
  static constexpr const char* kName = "reverse";
  static constexpr const char* kVersion = "1.0";
  static constexpr const char* kDescription = "Layer: values stored reversed.";
  static constexpr bytestore::Capabilities kDefaultCapabilities{};

  ReverseLayer(const Options& options, sdk::InnerStore inner) : enabled_(options.enabled), inner_(inner) {}

  bytestore::Capabilities capabilities() const { return inner_.capabilities(); }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    inner_.mget(keys, [&](std::size_t i, std::string_view value) { sink(i, turned(value)); });
  }
  void mset(std::span<const sdk::KeyValueView> pairs) {
    inner_.mset_values(pairs, [&](std::string_view, std::string_view value) { return turned(value); });
  }
  void mdelete(std::span<const std::string_view> keys) { inner_.mdelete(keys); }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<sdk::ForwardingCursor>(inner_.scan(prefix));
  }

 private:
  std::string turned(std::string_view value) const {
    std::string out(value);
    if (enabled_) std::reverse(out.begin(), out.end());
    return out;
  }

  bool enabled_;
  sdk::InnerStore inner_;
};

}  // namespace outside

BYTESTORE_PLUGIN(outside::ReverseLayer)
