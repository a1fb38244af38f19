// The `astra` backend: a key -> bytes store in an Astra DB (or any Data
// API) collection, in LangChain's AstraDBByteStore document format.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <future>
#include <memory>
#include <thread>

#include "astra_options.h"
#include "data_api_client.h"
#include "document_batches.h"

namespace bytestore::astra {

class AstraBackend {
 public:
  using Options = AstraOptions;
  static constexpr const char* kName = "astra";
  static constexpr const char* kVersion = BYTESTORE_PLUGIN_VERSION;
  static constexpr const char* kDescription =
      "Astra DB (or any Data API) collection, LangChain AstraDBByteStore format; native async.";
  static constexpr Capabilities kDefaultCapabilities{kMaxKeyBytes, kMaxValueBytes, false, false, true,
                                                     true};

  // Run by the SDK before every open, and by `config check`: option rules
  // and the connection settings (with their environment fallbacks).
  static void check_options(const Options& options);

  // The collection's URL; whether it holds data takes a request.
  static sdk::Location locate(const Options& options);

  explicit AstraBackend(const Options& options);
  ~AstraBackend();

  Capabilities capabilities() const { return kDefaultCapabilities; }

  void mget(std::span<const std::string_view> keys, const sdk::ValueSink& sink);
  void mset(std::span<const sdk::KeyValueView> pairs);
  void mdelete(std::span<const std::string_view> keys);
  std::unique_ptr<sdk::Cursor> scan(std::string_view prefix);

  void submit_mget(std::span<const std::string_view> keys, sdk::ValueSink sink, sdk::Completion done);
  void submit_mset(std::span<const sdk::KeyValueView> pairs, sdk::Completion done);
  void submit_mdelete(std::span<const std::string_view> keys, sdk::Completion done);

 private:
  // Waits for an async collection setup to end; rethrows its failure.
  void wait_until_ready();

  std::unique_ptr<DataApiClient> client_;
  std::shared_future<void> ready_;
  std::thread setup_;  // setup_mode: async
};

}  // namespace bytestore::astra
