// A plugin for core's tests: options of every type, a secret, and calls
// that fail on request.
#include <bytestore/plugin_sdk.hpp>

#include <map>
#include <mutex>
#include <stdexcept>

namespace testkit {

enum class Mode { fast, safe };
BOOST_DESCRIBE_ENUM(Mode, fast, safe)

struct Options {
  std::string path;
  std::string token;
  Mode mode = Mode::safe;
  bytestore::sdk::Duration timeout{5000};
  bytestore::sdk::ByteSize cache{1 << 20};
  bool fail_open = false;
  std::int64_t level = -1;

  static constexpr std::array docs{
      bytestore::sdk::OptionDoc{"path", "Where the data lives.", bytestore::sdk::kRequired},
      bytestore::sdk::OptionDoc{"token", "A credential.", bytestore::sdk::kSecret, "api_token"},
      bytestore::sdk::OptionDoc{"mode", "How careful to be."},
      bytestore::sdk::OptionDoc{"timeout", "How long to wait."},
      bytestore::sdk::OptionDoc{"cache", "Cache size."},
      bytestore::sdk::OptionDoc{"fail_open", "Fail in open, for tests."},
      bytestore::sdk::OptionDoc{"level", "A signed number."},
  };
};
BOOST_DESCRIBE_STRUCT(Options, (), (path, token, mode, timeout, cache, fail_open, level))

class EmptyCursor final : public bytestore::sdk::Cursor {
 public:
  bool next(const bytestore::sdk::KeySink&) override { return false; }
};

class TestkitBackend {
 public:
  using Options = testkit::Options;
  static constexpr const char* kName = "testkit";
  static constexpr const char* kVersion = "9.9.9";
  static constexpr const char* kDescription = "Test plugin.";
  static constexpr bytestore::Capabilities kDefaultCapabilities{16, 16, false, false, false, false};

  explicit TestkitBackend(const Options& options) : options_(options) {
    if (options.fail_open)
      throw bytestore::Error(bytestore::Errc::io, "cannot open " + options.path + ": permission denied");
  }
  bytestore::Capabilities capabilities() const { return kDefaultCapabilities; }

  void mget(std::span<const std::string_view> keys, const bytestore::sdk::ValueSink& sink) {
    for (std::size_t i = 0; i < keys.size(); ++i) {
      if (keys[i] == "throw") throw std::runtime_error("boom");
      if (keys[i] == "throw-int") throw 42;
      if (keys[i] == "options") {
        sink(i, options_.path + "|" + options_.token + "|" + std::to_string(options_.timeout.count()) +
                    "|" + std::to_string(options_.cache.bytes) + "|" +
                    (options_.mode == Mode::fast ? "fast" : "safe") + "|" + std::to_string(options_.level));
      }
    }
  }
  void mset(std::span<const bytestore::sdk::KeyValueView>) {}
  void mdelete(std::span<const std::string_view>) {}
  std::unique_ptr<bytestore::sdk::Cursor> scan(std::string_view) {
    return std::make_unique<EmptyCursor>();
  }

 private:
  Options options_;
};

}  // namespace testkit

BYTESTORE_PLUGIN(testkit::TestkitBackend)
