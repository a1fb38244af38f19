// Which node serves each of Redis Cluster's 16384 hash slots, as a node's
// CLUSTER SLOTS reply says, and which nodes exist.
#pragma once

#include <string>
#include <vector>

#include "reply.h"

namespace bytestore::redis {

struct SlotMap {
  std::vector<std::string> owners;  // the master's host:port per slot; empty: none
  std::vector<std::string> masters;
  std::vector<std::string> replicas;
};

// `asked` is the node that answered (host:port): a node listed with an
// empty or unknown host is on its host. Throws Error(Errc::corruption)
// for a reply of any other shape.
SlotMap parse_cluster_slots(const redisReply& reply, const std::string& asked);

}  // namespace bytestore::redis
