// The cache kept in another store of the config (`store: NAME`), e.g. a
// local LMDB in front of Astra: it outlives the process and is shared by
// every process using that store. Each cached value carries its expiry
// and whether it stands for a miss, in a 9-byte header.
#pragma once

#include <bytestore/plugin_sdk.hpp>

#include <atomic>
#include <chrono>
#include <optional>

#include "cache_tier.h"

namespace bytestore::layers {

class StoreTier final : public CacheTier {
 public:
  // Header: expiry (ms since the Unix epoch, big-endian; 0: never), then
  // 0 for a value or 1 for a cached miss.
  static constexpr std::size_t kHeaderBytes = 9;

  StoreTier(sdk::InnerStore store, std::optional<std::chrono::milliseconds> ttl);

  std::vector<CacheLookup> find(std::span<const std::string_view> keys) override;
  std::uint64_t writes() const override { return writes_.load(); }
  void fill(std::span<const CacheEntry> read, std::uint64_t since) override;
  void wrote(std::span<const CacheEntry> written) override;
  void forget(std::span<const std::string_view> keys) override;

  // The stored form of `value` (none: a miss) expiring at `expires`, and back.
  static std::string encode(std::optional<std::string_view> value, std::uint64_t expires_ms);
  // nullopt when `stored` is not in this format or has expired at `now_ms`.
  static std::optional<CacheLookup> decode(std::string_view stored, std::uint64_t now_ms);

 private:
  void put(std::span<const CacheEntry> entries);
  // Whether the tier can hold `key` (with a value of `value_bytes`): what it
  // cannot is not cached, and the store beneath alone holds it.
  bool fits(std::string_view key, std::size_t value_bytes = 0) const;

  sdk::InnerStore store_;
  Capabilities limits_;
  std::optional<std::chrono::milliseconds> ttl_;
  std::atomic<std::uint64_t> writes_{0};
};

}  // namespace bytestore::layers
