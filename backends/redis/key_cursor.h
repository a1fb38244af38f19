// A listing of the keys under a prefix: SCAN with a MATCH pattern that
// holds the prefix literally, node by node (every master of a cluster), a
// page per next(). A master lost mid-listing (a failover) is replaced by
// the masters that now serve its slots, listed from the start. SCAN may return a key twice (when the server resizes
// its table between calls); a flat set of the 64-bit hashes of the keys
// yielded so far drops the repeats, so memory is a page plus 9 to 18 bytes
// per key listed.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <boost/unordered/unordered_flat_set.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "client_pool.h"

namespace bytestore::redis {

class KeyCursor final : public sdk::Cursor {
 public:
  // Lists the stored keys starting with `stored_prefix`, yielding them
  // without their first `strip` bytes (the namespace).
  KeyCursor(std::shared_ptr<ClientPool> clients, std::string stored_prefix, std::size_t strip, std::uint64_t page_size);
  bool next(const sdk::KeySink& sink) override;

 private:
  // After nodes_[node_] failed: false if it still serves slots (the error
  // stands), else the nodes still to list are the masters not listed in
  // full.
  bool replan_without_lost_node();

  std::shared_ptr<ClientPool> clients_;
  std::vector<std::string> nodes_;
  std::vector<std::string> listed_;  // nodes listed in full
  std::size_t node_ = 0;
  std::string pattern_;
  std::size_t strip_;
  std::string page_size_;
  std::string cursor_ = "0";
  boost::unordered_flat_set<std::uint64_t> yielded_;
};

}  // namespace bytestore::redis
