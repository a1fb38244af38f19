// A ByteStore seen through the C ABI as the inner store of a layer: the
// host's half of the layer boundary. Exceptions become codes and messages.
#pragma once

#include <bytestore/byte_store.hpp>
#include <bytestore/plugin_abi.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bytestore::internal {

class PluginInstance;

class InnerStoreAdapter {
 public:
  // `store_name`: the store's name in config, told to the layer.
  InnerStoreAdapter(std::shared_ptr<ByteStore> store, std::string store_name);
  InnerStoreAdapter(const InnerStoreAdapter&) = delete;
  InnerStoreAdapter& operator=(const InnerStoreAdapter&) = delete;

  // Hands the layer `store` as the store its option `option` names; call
  // before the layer opens. The adapter keeps it.
  void add_option_store(std::string option, std::shared_ptr<InnerStoreAdapter> store);

  // Valid as long as this adapter.
  const bytestore_inner_store* table() const { return &table_; }
  ByteStore& store() const { return *store_; }
  const PluginInstance* plugin() const { return plugin_.get(); }

 private:
  std::shared_ptr<ByteStore> store_;
  // The plugin instance behind store_, when it is one (always, from
  // config): calls then pass the layer's slices straight on, uncopied.
  std::shared_ptr<const PluginInstance> plugin_;
  std::string store_name_;
  std::vector<std::pair<std::string, std::shared_ptr<InnerStoreAdapter>>> option_stores_;
  std::vector<bytestore_named_store> named_;  // views of option_stores_
  bytestore_inner_store table_;
};

}  // namespace bytestore::internal
