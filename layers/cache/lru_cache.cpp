#include "lru_cache.h"

namespace bytestore::layers {

LruCache::LruCache(std::size_t max_bytes, std::optional<Clock::duration> ttl)
    : max_bytes_(max_bytes), ttl_(ttl) {}

LruCache::Lookup LruCache::find(std::string_view key) {
  std::lock_guard lock(mutex_);
  const auto it = index_.find(key);
  if (it == index_.end()) return {};
  if (ttl_ && Clock::now() >= it->second->expires) {
    erase_locked(it->second);
    return {};
  }
  order_.splice(order_.begin(), order_, it->second);  // now the most recent
  return {true, it->second->value};
}

std::uint64_t LruCache::writes() const {
  std::lock_guard lock(mutex_);
  return writes_;
}

void LruCache::fill(std::string_view key, std::optional<std::string_view> value, std::uint64_t since) {
  if (!value && !ttl_) return;
  std::lock_guard lock(mutex_);
  if (writes_ != since) return;  // a write may have overtaken this read
  put_locked(key, value);
}

void LruCache::wrote(std::string_view key, std::optional<std::string_view> value) {
  std::lock_guard lock(mutex_);
  ++writes_;
  if (!value && !ttl_) {
    if (const auto it = index_.find(key); it != index_.end()) erase_locked(it->second);
    return;
  }
  put_locked(key, value);
}

void LruCache::forget(std::string_view key) {
  std::lock_guard lock(mutex_);
  ++writes_;
  if (const auto it = index_.find(key); it != index_.end()) erase_locked(it->second);
}

std::vector<CacheLookup> LruCache::find(std::span<const std::string_view> keys) {
  std::vector<CacheLookup> found;
  found.reserve(keys.size());
  for (std::string_view key : keys) found.push_back(find(key));
  return found;
}

void LruCache::fill(std::span<const CacheEntry> read, std::uint64_t since) {
  for (const auto& [key, value] : read) fill(key, value, since);
}

void LruCache::wrote(std::span<const CacheEntry> written) {
  for (const auto& [key, value] : written) wrote(key, value);
}

void LruCache::forget(std::span<const std::string_view> keys) {
  for (std::string_view key : keys) forget(key);
}

std::size_t LruCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

std::size_t LruCache::entries() const {
  std::lock_guard lock(mutex_);
  return order_.size();
}

void LruCache::put_locked(std::string_view key, std::optional<std::string_view> value) {
  if (const auto it = index_.find(key); it != index_.end()) erase_locked(it->second);
  Entry entry{std::string(key), value ? std::optional<std::string>(std::string(*value)) : std::nullopt,
              ttl_ ? Clock::now() + *ttl_ : Clock::time_point::max()};
  const std::size_t size = cost(entry);
  if (size > max_bytes_) return;  // larger than the whole cache: not kept
  while (bytes_ + size > max_bytes_) erase_locked(std::prev(order_.end()));
  order_.push_front(std::move(entry));
  index_.emplace(order_.front().key, order_.begin());
  bytes_ += size;
}

void LruCache::erase_locked(Order::iterator it) {
  bytes_ -= cost(*it);
  index_.erase(it->key);
  order_.erase(it);
}

}  // namespace bytestore::layers
