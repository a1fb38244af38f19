// ByteStore over a plugin instance: the C ABI seen from the host side.
#pragma once

#include <bytestore/byte_store.hpp>
#include <bytestore/config.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "inner_store_adapter.h"
#include "plugin_call_scope.h"
#include "plugin_library.h"

namespace bytestore::internal {

// Validated option values in canonical text, as the plugin receives them.
using OptionValues = std::vector<std::pair<std::string, std::string>>;

// One open plugin instance. Shared by its store, the store's cursors and
// pending async calls, so whichever finishes last closes it.
// "store 'NAME' (BACKEND)": how messages about a store begin.
std::string store_label(std::string_view store, std::string_view backend);

// Runs the plugin's own rules on `options` (already bound to its schema)
// without opening anything; throws Error(config) with the plugin's message,
// after `label`. Plugins without the check pass.
void check_plugin_options(const PluginLibrary& library, const OptionValues& options,
                          const std::string& label);

// What the plugin's `locate` says of a store with `options`; `where` empty
// and data unknown for plugins without it. Throws the plugin's error after
// `label`.
StoreLocation locate_plugin_data(const PluginLibrary& library, const OptionValues& options,
                                 const std::string& label);

class PluginInstance {
 public:
  // Opens an instance; throws the plugin's error. Every error raised for
  // this instance, by the plugin or by core's checks, begins with `label`.
  // With `inner`, the plugin is a layer opened over it, kept until close.
  PluginInstance(std::shared_ptr<const PluginLibrary> library, const OptionValues& options,
                 std::string label, std::shared_ptr<InnerStoreAdapter> inner = nullptr);
  ~PluginInstance();
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;

  std::vector<std::optional<Bytes>> mget(std::span<const std::string> keys) const;
  void mset(std::span<const KeyValue> pairs) const;
  void mdelete(std::span<const std::string> keys) const;
  // The same calls on the ABI's slices, checked the same way but with no
  // copies: how a layer reaches the plugin beneath it. `sink` must not throw.
  void mget(std::span<const bytestore_slice> keys, bytestore_value_sink sink, void* context) const;
  void mset(std::span<const bytestore_slice> keys, std::span<const bytestore_slice> values) const;
  void mdelete(std::span<const bytestore_slice> keys) const;
  static std::unique_ptr<KeyCursor> scan(std::shared_ptr<const PluginInstance> self,
                                         std::string_view prefix);
  // The plugin's own async calls; only when capabilities().native_async.
  // Each holds the instance open until the plugin completes it.
  static std::future<std::vector<std::optional<Bytes>>> submit_mget(
      std::shared_ptr<const PluginInstance> self, std::vector<std::string> keys);
  static std::future<void> submit_mset(std::shared_ptr<const PluginInstance> self,
                                       std::vector<KeyValue> pairs);
  static std::future<void> submit_mdelete(std::shared_ptr<const PluginInstance> self,
                                          std::vector<std::string> keys);

  // The plugin's compact call; false when it has none.
  bool compact() const;

  const Capabilities& capabilities() const { return capabilities_; }
  const std::string& backend() const { return library_->info().backend; }
  const std::string& label() const { return label_; }
  const PluginLibrary& library() const { return *library_; }
  // Throws bytestore::Error for a failed plugin call.
  void check(int code, const std::string& message) const;

 private:
  friend class PluginKeyCursor;
  // Marks this thread as inside `operation` of this plugin, for the crash reporter.
  PluginCallScope call_scope(const char* operation) const {
    return PluginCallScope(library_->info().backend.c_str(), library_->file_c_str(), operation);
  }

  std::shared_ptr<const PluginLibrary> library_;
  std::shared_ptr<InnerStoreAdapter> inner_;  // layers: the store beneath, outlives handle_
  std::string label_;
  const bytestore_plugin& table_;
  bytestore_instance* handle_ = nullptr;
  Capabilities capabilities_;
};

class PluginStore final : public ByteStore {
 public:
  explicit PluginStore(std::shared_ptr<const PluginInstance> instance)
      : instance_(std::move(instance)) {}

  std::vector<std::optional<Bytes>> mget(std::span<const std::string> keys) override;
  void mset(std::span<const KeyValue> pairs) override;
  void mdelete(std::span<const std::string> keys) override;
  std::unique_ptr<KeyCursor> scan(std::string_view prefix) override;
  Capabilities capabilities() const override { return instance_->capabilities(); }
  const std::shared_ptr<const PluginInstance>& instance() const { return instance_; }
  bool compact() override { return instance_->compact(); }

  // Async calls hold the instance, not the store: the store may be
  // destroyed while they run.
  std::future<std::vector<std::optional<Bytes>>> amget(std::vector<std::string> keys) override;
  std::future<void> amset(std::vector<KeyValue> pairs) override;
  std::future<void> amdelete(std::vector<std::string> keys) override;

  using ByteStore::mdelete;
  using ByteStore::mget;
  using ByteStore::mset;

 private:
  std::shared_ptr<const PluginInstance> instance_;
};

}  // namespace bytestore::internal
