// The `retry` layer: calls that fail with `unavailable` (busy, timed out,
// unreachable) are tried again after an exponential backoff with jitter.
// Every call of the store contract is idempotent (a repeated mset writes
// the same values, a repeated mdelete removes nothing more), so a retry
// never changes the outcome, only whether there is one.
#include <bytestore/plugin_sdk.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace bytestore::layers {

struct RetryOptions {
  std::uint64_t max_retries = 3;
  sdk::Duration base_delay{100};
  sdk::Duration max_delay{5'000};

  static constexpr std::array docs{
      sdk::OptionDoc{"max_retries", "Attempts after the first for a call that fails with unavailable."},
      sdk::OptionDoc{"base_delay", "Wait before the first retry; it doubles each time."},
      sdk::OptionDoc{"max_delay", "The longest wait between two attempts."},
  };
};
BOOST_DESCRIBE_STRUCT(RetryOptions, (), (max_retries, base_delay, max_delay))

class RetryLayer {
 public:
  using Options = RetryOptions;
  static constexpr const char* kName = "retry";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "Layer: calls failing with unavailable are retried with exponential backoff and jitter.";
  static constexpr Capabilities kDefaultCapabilities{};
  static constexpr std::uint64_t kMostRetries = 100;

  static void check_options(const Options& options) {
    if (options.max_retries > kMostRetries)
      throw Error(Errc::config, "max_retries must be at most " + std::to_string(kMostRetries));
    if (options.base_delay.count() < 1) throw Error(Errc::config, "base_delay must be at least 1ms");
    if (options.max_delay < options.base_delay)
      throw Error(Errc::config, "max_delay must be at least base_delay");
  }

  RetryLayer(const Options& options, sdk::InnerStore inner) : options_(options), inner_(inner) {}

  // The store beneath's guarantees: a retry adds none and takes none away.
  Capabilities capabilities() const { return inner_.capabilities(); }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    // Values go to the sink only from the attempt that succeeds.
    retried([&] {
      std::vector<std::pair<std::size_t, std::string>> found;
      inner_.mget(keys, [&](std::size_t i, std::string_view value) { found.emplace_back(i, value); });
      for (const auto& [i, value] : found) sink(i, value);
    });
  }
  void mset(std::span<const sdk::KeyValueView> pairs) {
    retried([&] { inner_.mset(pairs); });
  }
  void mdelete(std::span<const std::string_view> keys) {
    retried([&] { inner_.mdelete(keys); });
  }
  bool compact() {
    bool compacted = false;
    retried([&] { compacted = inner_.compact(); });
    return compacted;
  }

  // A listing is retried page by page: a failed page is asked again.
  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    return std::make_unique<Listing>(*this, prefix);
  }

 private:
  class Listing final : public sdk::Cursor {
   public:
    Listing(RetryLayer& layer, std::string_view prefix) : layer_(layer) {
      layer_.retried([&] { inner_.emplace(layer_.inner_.scan(prefix)); });
    }
    bool next(const sdk::KeySink& sink) override {
      bool more = false;
      layer_.retried([&] {
        std::vector<std::string> page;
        more = inner_->next([&](std::string_view key) { page.emplace_back(key); });
        for (const std::string& key : page) sink(key);
      });
      return more;
    }

   private:
    RetryLayer& layer_;
    std::optional<sdk::InnerStore::Listing> inner_;
  };

  template <class Call>
  void retried(Call&& call) {
    for (std::uint64_t attempt = 0;; ++attempt) {
      try {
        call();
        return;
      } catch (const Error& e) {
        if (e.code() != Errc::unavailable || attempt >= options_.max_retries) throw;
      }
      std::this_thread::sleep_for(delay(attempt));
    }
  }

  // base_delay doubling per attempt, capped at max_delay, then jittered
  // over its upper half so clients that failed together spread out.
  std::chrono::milliseconds delay(std::uint64_t attempt) const {
    thread_local std::minstd_rand random{std::random_device{}()};
    const auto doubled = options_.base_delay.count() << std::min<std::uint64_t>(attempt, 20);
    const long long capped = std::min<long long>(doubled, options_.max_delay.count());
    return std::chrono::milliseconds(
        std::uniform_int_distribution<long long>(capped / 2, capped)(random));
  }

  Options options_;
  sdk::InnerStore inner_;
};

}  // namespace bytestore::layers

BYTESTORE_PLUGIN(bytestore::layers::RetryLayer)
