// The `metrics` layer: counts what each call of the store does and how
// long it takes, for bytestore::metrics_text() and, with `file:`, for a
// Prometheus textfile collector (written whole, by rename, every
// `interval` and at close).
#include <bytestore/plugin_sdk.hpp>

#include <array>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <mutex>
#include <string>
#include <thread>

#include "store_metrics.h"

namespace bytestore::layers {

struct MetricsOptions {
  std::string file;
  sdk::Duration interval{10'000};

  static constexpr std::array docs{
      sdk::OptionDoc{"file", "Where to write this store's metrics in the Prometheus text format "
                             "(e.g. for node_exporter's textfile collector); none: only "
                             "bytestore::metrics_text().",
                     sdk::kPath},
      sdk::OptionDoc{"interval", "How often `file` is rewritten; it is also written at close."},
  };
};
BOOST_DESCRIBE_STRUCT(MetricsOptions, (), (file, interval))

// Rewrites one file with the store's metrics until stopped, then once more.
class MetricsFile {
 public:
  MetricsFile(std::string path, std::string store, std::chrono::milliseconds interval)
      : path_(std::move(path)), store_(std::move(store)), interval_(interval) {
    write();  // the file exists from the start, and a bad path shows at open
    thread_ = std::thread([this] { run(); });
  }
  ~MetricsFile() {
    {
      std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_one();
    thread_.join();
    write();
  }

 private:
  void run() {
    std::unique_lock lock(mutex_);
    while (!wake_.wait_for(lock, interval_, [this] { return stopping_; })) {
      lock.unlock();
      write();
      lock.lock();
    }
  }
  // Written beside the file and renamed over it, so a reader never sees
  // half a file.
  void write() {
    const std::string temporary = path_ + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out << MetricsRegistry::process().exposition(store_);
      if (!out) return;
    }
    std::rename(temporary.c_str(), path_.c_str());
  }

  std::string path_, store_;
  std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

class MetricsLayer {
 public:
  using Options = MetricsOptions;
  static constexpr const char* kName = "metrics";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "Layer: calls, keys, bytes, errors and latency per store and operation, in Prometheus text.";
  static constexpr Capabilities kDefaultCapabilities{};

  static void check_options(const Options& options) {
    if (options.interval.count() < 100) throw Error(Errc::config, "interval must be at least 100ms");
  }

  static std::string report_metrics() { return MetricsRegistry::process().exposition(); }

  MetricsLayer(const Options& options, sdk::InnerStore inner)
      : inner_(inner), metrics_(MetricsRegistry::process().of(inner.store_name())) {
    if (!options.file.empty()) {
      const auto dir = std::filesystem::path(options.file).parent_path();
      std::error_code ec;
      if (!dir.empty()) std::filesystem::create_directories(dir, ec);
      if (ec || (!dir.empty() && !std::filesystem::is_directory(dir)))
        throw Error(Errc::io, "cannot create directory " + dir.string() + " for the metrics file");
      file_ = std::make_unique<MetricsFile>(options.file, std::string(inner.store_name()), options.interval);
    }
  }

  Capabilities capabilities() const { return inner_.capabilities(); }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink) {
    std::uint64_t bytes = 0;
    measured(Op::mget, keys.size(), [&] {
      inner_.mget_forwarded(keys, [&](std::size_t i, std::string_view value) {
        bytes += value.size();
        sink(i, value);
      });
    });
    (*metrics_)[Op::mget].bytes_read += bytes;
  }
  void mset(std::span<const sdk::KeyValueView> pairs) {
    std::uint64_t bytes = 0;
    for (const auto& [key, value] : pairs) bytes += value.size();
    measured(Op::mset, pairs.size(), [&] { inner_.mset(pairs); });
    (*metrics_)[Op::mset].bytes_written += bytes;
  }
  void mdelete(std::span<const std::string_view> keys) {
    measured(Op::mdelete, keys.size(), [&] { inner_.mdelete(keys); });
  }
  bool compact() {
    bool compacted = false;
    measured(Op::compact, 0, [&] { compacted = inner_.compact(); });
    return compacted;
  }
  // One yield_keys call per listing; its keys are counted as they come.
  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix) {
    std::optional<sdk::InnerStore::Listing> listing;
    measured(Op::yield_keys, 0, [&] { listing.emplace(inner_.scan(prefix)); });
    return std::make_unique<Listing>(std::move(*listing), metrics_);
  }

 private:
  class Listing final : public sdk::Cursor {
   public:
    Listing(sdk::InnerStore::Listing inner, std::shared_ptr<StoreMetrics> metrics)
        : inner_(std::move(inner)), metrics_(std::move(metrics)) {}
    bool next(const sdk::KeySink& sink) override {
      std::uint64_t keys = 0;
      const bool more = inner_.next([&](std::string_view key) {
        ++keys;
        sink(key);
      });
      (*metrics_)[Op::yield_keys].keys += keys;
      return more;
    }

   private:
    sdk::InnerStore::Listing inner_;
    std::shared_ptr<StoreMetrics> metrics_;
  };

  template <class Call>
  void measured(Op op, std::size_t keys, Call&& call) {
    OpMetrics& m = (*metrics_)[op];
    ++m.calls;
    m.keys += keys;
    const auto start = std::chrono::steady_clock::now();
    try {
      call();
    } catch (const Error& e) {
      m.took(std::chrono::steady_clock::now() - start);
      ++m.errors[static_cast<std::size_t>(e.code()) % m.errors.size()];
      throw;
    }
    m.took(std::chrono::steady_clock::now() - start);
  }

  sdk::InnerStore inner_;
  std::shared_ptr<StoreMetrics> metrics_;
  std::unique_ptr<MetricsFile> file_;  // last: stops writing before the rest goes
};

}  // namespace bytestore::layers

BYTESTORE_PLUGIN(bytestore::layers::MetricsLayer)
