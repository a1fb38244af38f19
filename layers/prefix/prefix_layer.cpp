// The `prefix` layer: one namespace of a shared store. Keys are stored as
// prefix + key; listing asks the store beneath for the prefix's keys only
// and strips it, so each namespace sees just its own keys.
#include <bytestore/plugin_sdk.hpp>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace bytestore::layers {

struct PrefixOptions {
  std::string prefix;

  static constexpr std::array docs{
      sdk::OptionDoc{"prefix", "Put before every key in the store beneath, e.g. \"tenant-a/\".",
                     sdk::kRequired},
  };
};
BOOST_DESCRIBE_STRUCT(PrefixOptions, (), (prefix))

class PrefixLayer {
 public:
  using Options = PrefixOptions;
  static constexpr const char* kName = "prefix";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "Layer: keys live under a prefix of the store beneath; listing sees only its own.";
  // A layer's limits are its inner store's, less the prefix: see capabilities().
  static constexpr Capabilities kDefaultCapabilities{};

  static void check_options(const Options& options) {
    if (options.prefix.empty()) throw Error(Errc::config, "prefix must not be empty");
  }

  PrefixLayer(const Options& options, sdk::InnerStore inner)
      : prefix_(options.prefix), inner_(inner), capabilities_(inner.capabilities()) {
    if (capabilities_.max_key_bytes <= prefix_.size())
      throw Error(Errc::config, "a prefix of " + std::to_string(prefix_.size()) +
                                    " bytes leaves no room for keys under the store's " +
                                    std::to_string(capabilities_.max_key_bytes) + "-byte key limit");
    capabilities_.max_key_bytes -= prefix_.size();
  }

  Capabilities capabilities() const { return capabilities_; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    const Prefixed prefixed(prefix_, keys);
    inner_.mget_forwarded(prefixed.views, [&](std::size_t i, std::string_view value) { sink(i, value); });
  }

  void mset(std::span<const sdk::KeyValueView> pairs) {
    std::vector<std::string> keys;
    keys.reserve(pairs.size());
    for (const auto& [key, value] : pairs) keys.push_back(prefix_ + std::string(key));
    std::vector<sdk::KeyValueView> prefixed;
    prefixed.reserve(pairs.size());
    for (std::size_t i = 0; i < pairs.size(); ++i) prefixed.emplace_back(keys[i], pairs[i].second);
    inner_.mset(prefixed);
  }

  void mdelete(std::span<const std::string_view> keys) {
    const Prefixed prefixed(prefix_, keys);
    inner_.mdelete(prefixed.views);
  }

  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<Listing>(inner_.scan(prefix_ + std::string(prefix)), prefix_.size());
  }

 private:
  // prefix + key for each key, and views of them.
  struct Prefixed {
    Prefixed(const std::string& prefix, std::span<const std::string_view> keys) {
      storage.reserve(keys.size());
      views.reserve(keys.size());
      for (std::string_view key : keys) storage.push_back(prefix + std::string(key));
      for (const std::string& key : storage) views.push_back(key);
    }
    std::vector<std::string> storage;
    std::vector<std::string_view> views;
  };

  class Listing final : public sdk::Cursor {
   public:
    Listing(sdk::InnerStore::Listing inner, std::size_t strip) : inner_(std::move(inner)), strip_(strip) {}
    bool next(const sdk::KeySink& sink) override {
      return inner_.next([&](std::string_view key) { sink(key.substr(strip_)); });
    }

   private:
    sdk::InnerStore::Listing inner_;
    std::size_t strip_;
  };

  std::string prefix_;
  sdk::InnerStore inner_;
  Capabilities capabilities_;
};

}  // namespace bytestore::layers

BYTESTORE_PLUGIN(bytestore::layers::PrefixLayer)
