// A ByteStore seen through the C ABI as the inner store of a layer: the
// host's half of the layer boundary. Exceptions become codes and messages.
#pragma once

#include <bytestore/byte_store.hpp>
#include <bytestore/plugin_abi.h>

#include <memory>
#include <string>

namespace bytestore::internal {

class InnerStoreAdapter {
 public:
  // `store_name`: the store's name in config, told to the layer.
  InnerStoreAdapter(std::shared_ptr<ByteStore> store, std::string store_name);
  InnerStoreAdapter(const InnerStoreAdapter&) = delete;
  InnerStoreAdapter& operator=(const InnerStoreAdapter&) = delete;

  // Valid as long as this adapter.
  const bytestore_inner_store* table() const { return &table_; }
  ByteStore& store() const { return *store_; }

 private:
  std::shared_ptr<ByteStore> store_;
  std::string store_name_;
  bytestore_inner_store table_;
};

}  // namespace bytestore::internal
