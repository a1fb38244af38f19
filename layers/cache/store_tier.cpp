#include "store_tier.h"

namespace bytestore::layers {
namespace {

std::uint64_t now_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

}  // namespace

StoreTier::StoreTier(sdk::InnerStore store, std::optional<std::chrono::milliseconds> ttl)
    : store_(store), limits_(store.capabilities()), ttl_(ttl) {}

bool StoreTier::fits(std::string_view key, std::size_t value_bytes) const {
  return key.size() <= limits_.max_key_bytes && value_bytes <= limits_.max_value_bytes &&
         limits_.max_value_bytes - value_bytes >= kHeaderBytes;
}

std::string StoreTier::encode(std::optional<std::string_view> value, std::uint64_t expires_ms) {
  std::string out(kHeaderBytes, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(expires_ms >> (56 - 8 * i));
  out[8] = value ? 0 : 1;
  if (value) out.append(*value);
  return out;
}

std::optional<CacheLookup> StoreTier::decode(std::string_view stored, std::uint64_t now) {
  if (stored.size() < kHeaderBytes || static_cast<unsigned char>(stored[8]) > 1) return std::nullopt;
  std::uint64_t expires = 0;
  for (int i = 0; i < 8; ++i) expires = expires << 8 | static_cast<unsigned char>(stored[i]);
  if (expires != 0 && now >= expires) return std::nullopt;
  if (stored[8] == 1) return CacheLookup{true, std::nullopt};
  return CacheLookup{true, std::string(stored.substr(kHeaderBytes))};
}

std::vector<CacheLookup> StoreTier::find(std::span<const std::string_view> keys) {
  std::vector<CacheLookup> found(keys.size());
  std::vector<std::size_t> asked;
  std::vector<std::string_view> cacheable;
  for (std::size_t i = 0; i < keys.size(); ++i)
    if (fits(keys[i])) {
      asked.push_back(i);
      cacheable.push_back(keys[i]);
    }
  if (cacheable.empty()) return found;
  const std::uint64_t now = now_ms();
  // A tier entry in another format (or expired) is a miss: the store
  // beneath is asked and the entry rewritten.
  store_.mget(cacheable, [&](std::size_t j, std::string_view stored) {
    if (auto lookup = decode(stored, now)) found[asked[j]] = std::move(*lookup);
  });
  return found;
}

void StoreTier::put(std::span<const CacheEntry> entries) {
  const std::uint64_t expires = ttl_ ? now_ms() + static_cast<std::uint64_t>(ttl_->count()) : 0;
  std::vector<std::string> stored;
  stored.reserve(entries.size());
  std::vector<sdk::KeyValueView> pairs;
  pairs.reserve(entries.size());
  for (const auto& [key, value] : entries) stored.push_back(encode(value, expires));
  for (std::size_t i = 0; i < entries.size(); ++i) pairs.emplace_back(entries[i].first, stored[i]);
  store_.mset(pairs);
}

void StoreTier::fill(std::span<const CacheEntry> read, std::uint64_t since) {
  if (writes_.load() != since) return;
  std::vector<CacheEntry> kept;
  for (const CacheEntry& entry : read)
    // A miss kept forever would hide others' writes.
    if ((entry.second || ttl_) && fits(entry.first, entry.second ? entry.second->size() : 0))
      kept.push_back(entry);
  if (!kept.empty()) put(kept);
}

void StoreTier::wrote(std::span<const CacheEntry> written) {
  ++writes_;
  std::vector<CacheEntry> kept;
  std::vector<std::string_view> gone;
  for (const CacheEntry& entry : written) {
    if (!fits(entry.first)) continue;  // never cached
    if ((entry.second || ttl_) && fits(entry.first, entry.second ? entry.second->size() : 0))
      kept.push_back(entry);
    else
      gone.push_back(entry.first);  // deleted, or now too large to cache: drop the old entry
  }
  if (!kept.empty()) put(kept);
  if (!gone.empty()) store_.mdelete(gone);
}

void StoreTier::forget(std::span<const std::string_view> keys) {
  ++writes_;
  std::vector<std::string_view> cached;
  for (std::string_view key : keys)
    if (fits(key)) cached.push_back(key);
  if (!cached.empty()) store_.mdelete(cached);
}

}  // namespace bytestore::layers
