#include "slot_map.h"

#include <bytestore/error.hpp>

#include "key_slot.h"
#include "server_address.h"

namespace bytestore::redis {

SlotMap parse_cluster_slots(const redisReply& reply, const std::string& asked) {
  auto bad = [&] { return Error(Errc::corruption, "redis at " + asked + " sent a CLUSTER SLOTS reply of an unknown shape"); };
  if (reply.type != REDIS_REPLY_ARRAY) throw bad();
  const std::string asked_host = endpoint_of(asked).host;
  auto address_of = [&](const redisReply& node) {
    if (node.type != REDIS_REPLY_ARRAY || node.elements < 2 || node.element[0]->type != REDIS_REPLY_STRING ||
        node.element[1]->type != REDIS_REPLY_INTEGER || node.element[1]->integer < 1 ||
        node.element[1]->integer > 65535)
      throw bad();
    std::string host(text_of(*node.element[0]));
    if (host.empty() || host == "?") host = asked_host;
    return Endpoint{host, static_cast<int>(node.element[1]->integer), {}}.address();
  };
  SlotMap map;
  map.owners.resize(kSlotCount);
  for (std::size_t i = 0; i < reply.elements; ++i) {
    const redisReply& range = *reply.element[i];
    if (range.type != REDIS_REPLY_ARRAY || range.elements < 3 || range.element[0]->type != REDIS_REPLY_INTEGER ||
        range.element[1]->type != REDIS_REPLY_INTEGER)
      throw bad();
    const long long first = range.element[0]->integer, last = range.element[1]->integer;
    if (first < 0 || last >= kSlotCount || first > last) throw bad();
    const std::string master = address_of(*range.element[2]);
    for (long long slot = first; slot <= last; ++slot) map.owners[static_cast<std::size_t>(slot)] = master;
    map.masters.push_back(master);
    for (std::size_t r = 3; r < range.elements; ++r) map.replicas.push_back(address_of(*range.element[r]));
  }
  return map;
}

}  // namespace bytestore::redis
