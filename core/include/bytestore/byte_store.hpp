// bytestore::ByteStore: a key -> bytes store with the semantics of
// LangChain's BaseStore[str, bytes]. See docs/CONTRACT.md for the contract
// every backend keeps.
#pragma once

#include <bytestore/capabilities.hpp>
#include <bytestore/key_range.hpp>

#include <future>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bytestore {

// Values are arbitrary bytes, NULs included.
using Bytes = std::string;
using KeyValue = std::pair<std::string, Bytes>;

// Thread-safe: one store may be used from many threads at once (C8).
// Every call throws bytestore::Error on failure.
//
// Subclasses implement the sync calls and scan(); the async forms run the
// sync ones on the shared executor unless overridden. A subclass that
// forwards to another store (a layer) overrides only what it changes.
class ByteStore {
 public:
  virtual ~ByteStore() = default;
  ByteStore(const ByteStore&) = delete;
  ByteStore& operator=(const ByteStore&) = delete;

  // One entry per key, in request order; a missing key gives nullopt.
  virtual std::vector<std::optional<Bytes>> mget(std::span<const std::string> keys) = 0;
  // Stores every pair; a key repeated in one call ends with its last value.
  virtual void mset(std::span<const KeyValue> pairs) = 0;
  // Removes the keys; missing keys are not an error.
  virtual void mdelete(std::span<const std::string> keys) = 0;
  // A cursor over the keys starting with `prefix` (byte-wise).
  virtual std::unique_ptr<KeyCursor> scan(std::string_view prefix) = 0;
  virtual Capabilities capabilities() const = 0;

  // Async forms (C7). Arguments are copied; the futures' results equal the
  // sync forms'. Errors surface from future::get().
  virtual std::future<std::vector<std::optional<Bytes>>> amget(std::vector<std::string> keys);
  virtual std::future<void> amset(std::vector<KeyValue> pairs);
  virtual std::future<void> amdelete(std::vector<std::string> keys);
  virtual AsyncKeyCursor ayield_keys(std::string prefix = {});

  // Gives the space of deleted data back to the file system (SQLite
  // VACUUM, LMDB's compacting copy); the data is unchanged. False when the
  // store has nothing to compact (it keeps no files, or cannot). May take
  // long, and other calls on the store wait for it.
  virtual bool compact() { return false; }

  // The keys starting with `prefix`, streamed a page at a time.
  KeyRange yield_keys(std::string_view prefix = {}) { return KeyRange(scan(prefix)); }

  // Conveniences for braced lists: store->mget({"a", "b"}).
  std::vector<std::optional<Bytes>> mget(std::initializer_list<std::string> keys) {
    return mget(std::span<const std::string>(keys.begin(), keys.size()));
  }
  void mset(std::initializer_list<KeyValue> pairs) {
    mset(std::span<const KeyValue>(pairs.begin(), pairs.size()));
  }
  void mdelete(std::initializer_list<std::string> keys) {
    mdelete(std::span<const std::string>(keys.begin(), keys.size()));
  }

 protected:
  ByteStore() = default;
};

}  // namespace bytestore
