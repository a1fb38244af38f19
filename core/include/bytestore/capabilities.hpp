// What a backend guarantees (contract clause C10). Header-only.
#pragma once

#include <cstdint>

namespace bytestore {

struct Capabilities {
  std::uint64_t max_key_bytes = 0;    // longest key accepted, in bytes
  std::uint64_t max_value_bytes = 0;  // largest value accepted, in bytes
  bool atomic_batch = false;  // one mset/mdelete is all-or-nothing
  bool ordered_keys = false;  // yield_keys lists in byte-wise key order
  bool persistent = false;    // data outlives the process
  bool native_async = false;  // async calls use the engine's own I/O
  bool may_expire = false;    // values may vanish on their own (a ttl)
};

}  // namespace bytestore
