// The fixture every conformance test uses: a fresh, empty store of the
// target under test, emptied again afterwards.
#pragma once

#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace bytestore::conformance {

// What the runner was pointed at (--config FILE --store NAME).
struct Target {
  std::string config_path;
  std::string store_name;
};
const Target& target();

// Opens the target store anew.
std::unique_ptr<ByteStore> open_target();
// Every key of `store` under `prefix`, sorted.
std::vector<std::string> sorted_keys(ByteStore& store, const std::string& prefix = {});
// Deletes every key of `store`; returns how many there were.
std::size_t delete_all(ByteStore& store);

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = open_target();
    ASSERT_TRUE(sorted_keys(*store_).empty()) << "store not empty at the start of a test";
    caps_ = store_->capabilities();
  }
  void TearDown() override {
    if (!store_) store_ = open_target();
    delete_all(*store_);
  }

  // Closes and opens the store again (a persistent store keeps its data).
  void reopen() {
    store_.reset();
    store_ = open_target();
  }

  std::optional<Bytes> get(const std::string& key) {
    return store_->mget(std::vector<std::string>{key}).at(0);
  }

  std::unique_ptr<ByteStore> store_;
  Capabilities caps_;
};

// "k0000".."k{n-1}" with the given prefix.
inline std::vector<std::string> numbered_keys(const std::string& prefix, std::size_t n) {
  std::vector<std::string> keys;
  for (std::size_t i = 0; i < n; ++i) {
    std::string digits = std::to_string(i);
    keys.push_back(prefix + std::string(digits.size() < 5 ? 5 - digits.size() : 0, '0') + digits);
  }
  return keys;
}

inline std::vector<KeyValue> pairs_for(const std::vector<std::string>& keys,
                                       const std::string& value_prefix = "v:") {
  std::vector<KeyValue> pairs;
  for (const std::string& k : keys) pairs.emplace_back(k, value_prefix + k);
  return pairs;
}

// Runs the statement and checks it throws bytestore::Error with `code`.
#define EXPECT_BYTESTORE_ERROR(statement, expected_code)                                 \
  do {                                                                                   \
    try {                                                                                \
      statement;                                                                         \
      ADD_FAILURE() << #statement " did not throw";                                      \
    } catch (const ::bytestore::Error& e) {                                              \
      EXPECT_EQ(::bytestore::to_string(e.code()), ::bytestore::to_string(expected_code)) \
          << e.what();                                                                   \
    }                                                                                    \
  } while (0)

}  // namespace bytestore::conformance
