#include "key_cursor.h"

#include <boost/container_hash/hash.hpp>

#include <algorithm>

#include "scan_pattern.h"

namespace bytestore::redis {

KeyCursor::KeyCursor(std::shared_ptr<ClientPool> clients, std::string stored_prefix, std::size_t strip,
                     std::uint64_t page_size)
    : clients_(std::move(clients)),
      nodes_(clients_->with([](Client& client) { return client.scan_nodes(); })),
      pattern_(scan_pattern(stored_prefix)),
      strip_(strip),
      page_size_(std::to_string(page_size)) {}

bool KeyCursor::next(const sdk::KeySink& sink) {
  if (node_ >= nodes_.size()) return false;
  Request scan;
  scan.commands.add({"SCAN", cursor_, "MATCH", pattern_, "COUNT", page_size_});
  scan.node = nodes_[node_];
  scan.master_only = true;
  std::vector<std::string> keys;
  scan.accept = [&](std::span<const std::size_t>, ReplySpan replies) {
    const redisReply& page = *replies[0];
    if (page.type != REDIS_REPLY_ARRAY || page.elements != 2 || page.element[0]->type != REDIS_REPLY_STRING ||
        page.element[1]->type != REDIS_REPLY_ARRAY)
      throw Error(Errc::corruption, "redis at " + nodes_[node_] + " sent a SCAN reply of an unknown shape");
    cursor_ = std::string(text_of(*page.element[0]));
    const redisReply& found = *page.element[1];
    for (std::size_t i = 0; i < found.elements; ++i)
      if (found.element[i]->type == REDIS_REPLY_STRING) keys.emplace_back(text_of(*found.element[i]));
  };
  try {
    clients_->with([&](Client& client) { client.call({std::move(scan)}); });
  } catch (const Error& e) {
    if (e.code() != Errc::unavailable || !replan_without_lost_node()) throw;
    return node_ < nodes_.size();
  }
  for (const std::string& key : keys) {
    if (key.size() < strip_) continue;
    const std::string_view name = std::string_view(key).substr(strip_);
    if (yielded_.insert(boost::hash_value(name)).second) sink(name);
  }
  if (cursor_ == "0") {
    listed_.push_back(nodes_[node_]);
    ++node_;
  }
  return node_ < nodes_.size();
}

bool KeyCursor::replan_without_lost_node() {
  const std::string lost = nodes_[node_];
  std::vector<std::string> masters = clients_->with([](Client& client) {
    if (!client.cluster()) return std::vector<std::string>();
    client.reload_slots();
    return client.scan_nodes();
  });
  if (masters.empty() || std::find(masters.begin(), masters.end(), lost) != masters.end()) return false;
  // Its replacement is listed from the start: what was yielded from the
  // lost node comes again, and is dropped as any repeat is.
  std::erase_if(masters, [&](const std::string& m) { return std::find(listed_.begin(), listed_.end(), m) != listed_.end(); });
  nodes_ = std::move(masters);
  node_ = 0;
  cursor_.assign(1, '0');  // (not = "0": a false -Wrestrict in GCC 12)
  return true;
}

}  // namespace bytestore::redis
