// A ByteStore seen through the C ABI as the inner store of a layer: the
// host's half of the layer boundary. Exceptions become codes and messages.
#pragma once

#include <bytestore/byte_store.hpp>
#include <bytestore/plugin_abi.h>

#include <memory>

namespace bytestore::internal {

class InnerStoreAdapter {
 public:
  explicit InnerStoreAdapter(std::shared_ptr<ByteStore> store);
  InnerStoreAdapter(const InnerStoreAdapter&) = delete;
  InnerStoreAdapter& operator=(const InnerStoreAdapter&) = delete;

  // Valid as long as this adapter.
  const bytestore_inner_store* table() const { return &table_; }
  ByteStore& store() const { return *store_; }

 private:
  std::shared_ptr<ByteStore> store_;
  bytestore_inner_store table_;
};

}  // namespace bytestore::internal
