// The prefix layer from config: what reaches the store beneath, what
// listing sees, its limits, and how config treats layers.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>

#include "scratch_dir.h"

namespace bytestore {
namespace {

using ::testing::HasSubstr;
using testing::ScratchDir;

std::vector<std::string> sorted_keys(ByteStore& store, const std::string& prefix = {}) {
  std::vector<std::string> keys;
  for (const std::string& k : store.yield_keys(prefix)) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  return keys;
}

class PrefixLayer : public ::testing::Test {
 protected:
  // Two namespaces and the bare store, on one SQLite file.
  Config config() const {
    const std::string path = dir_.file("shared.db");
    return Config::parse("stores:\n"
                         "  raw: { backend: sqlite, path: '" + path + "' }\n"
                         "  a:\n    backend: sqlite\n    path: '" + path + "'\n"
                         "    layers:\n      - { layer: prefix, prefix: \"tenant-a/\" }\n"
                         "  b:\n    backend: sqlite\n    path: '" + path + "'\n"
                         "    layers: [ { layer: prefix, prefix: \"tenant-b/\" } ]\n");
  }
  ScratchDir dir_;
};

TEST_F(PrefixLayer, KeysAreStoredUnderThePrefixAndListedWithoutIt) {
  const Config c = config();
  auto a = c.open("a");
  auto b = c.open("b");
  a->mset({{"doc:1", "A1"}, {"doc:2", "A2"}});
  b->mset({{"doc:1", "B1"}});
  auto raw = c.open("raw");
  EXPECT_EQ(sorted_keys(*raw), (std::vector<std::string>{"tenant-a/doc:1", "tenant-a/doc:2", "tenant-b/doc:1"}));
  EXPECT_EQ(raw->mget({"tenant-a/doc:1"})[0], "A1");
  EXPECT_EQ(sorted_keys(*a), (std::vector<std::string>{"doc:1", "doc:2"}));
  EXPECT_EQ(sorted_keys(*b, "doc:"), std::vector<std::string>{"doc:1"});
  EXPECT_EQ(a->mget({"doc:1", "doc:3"}), (std::vector<std::optional<Bytes>>{"A1", std::nullopt}));
  EXPECT_EQ(b->mget({"doc:1"})[0], "B1");
  a->mdelete({"doc:1"});
  EXPECT_EQ(raw->mget({"tenant-a/doc:1", "tenant-b/doc:1"}),
            (std::vector<std::optional<Bytes>>{std::nullopt, "B1"}));
  EXPECT_EQ(a->amget({"doc:2"}).get()[0], "A2");  // async through the layer
}

TEST_F(PrefixLayer, TheKeyLimitShrinksByThePrefix) {
  const Config c = config();
  const auto raw_limit = c.open("raw")->capabilities().max_key_bytes;
  auto a = c.open("a");
  EXPECT_EQ(a->capabilities().max_key_bytes, raw_limit - 9);
  EXPECT_TRUE(a->capabilities().persistent);
  EXPECT_TRUE(a->capabilities().atomic_batch);
  a->mset({{std::string(raw_limit - 9, 'k'), "fits"}});
  try {
    a->mset({{std::string(raw_limit - 8, 'k'), "too long"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::limit_exceeded);
    EXPECT_THAT(e.what(), HasSubstr("store 'a' (prefix): key of"));
  }
}

TEST_F(PrefixLayer, ConfigChecksLayersLikeBackends) {
  auto error_of = [](const std::string& yaml, bool open) {
    try {
      const Config c = Config::parse(yaml);
      if (open) c.open("s"); else c.check();
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string head = "stores:\n  s:\n    backend: memory\n    layers:\n";
  EXPECT_THAT(error_of(head + "      - { layer: prefix, prefx: x }\n", false),
              HasSubstr("<yaml>:5:26: store 's': unknown option 'prefx' for layer 'prefix' (did you mean 'prefix'?)"));
  EXPECT_THAT(error_of(head + "      - { layer: prefix }\n", false),
              HasSubstr("<yaml>:5:9: store 's': missing required option 'prefix'"));
  EXPECT_THAT(error_of(head + "      - { layer: prefix, prefix: '' }\n", false),
              HasSubstr("store 's' (prefix): prefix must not be empty"));
  EXPECT_THAT(error_of(head + "      - { layer: memory }\n", true),
              HasSubstr("'memory' is a backend, not a layer"));
  EXPECT_THAT(error_of("stores:\n  s: { backend: prefix, prefix: x }\n", true),
              HasSubstr("'prefix' is a layer, not a backend; put it under 'layers:'"));
  EXPECT_THAT(error_of(head + "      - { prefix: x }\n", false), HasSubstr("an entry has no 'layer'"));
  EXPECT_THAT(error_of("stores:\n  s: { backend: memory, layers: prefix }\n", false),
              HasSubstr("'layers' must be a list of { layer: NAME, ... } entries"));
  EXPECT_THAT(error_of(head + "      - { layer: prefix, prefix: '" + std::string(70'000, 'p') + "' }\n", true),
              HasSubstr("leaves no room for keys"));
}

TEST_F(PrefixLayer, ConfigShowPrintsLayersAndLoadsAgain) {
  const Config c = Config::parse("stores:\n  s:\n    backend: memory\n    layers:\n"
                                 "      - { layer: prefix, prefix: \"p$$/\" }\n");
  const std::string shown = c.show();
  EXPECT_THAT(shown, HasSubstr("    layers:\n      - layer: prefix\n        prefix: p$$/\n"));
  EXPECT_EQ(Config::parse(shown).show(), shown);
  auto store = Config::parse(shown).open("s");
  store->mset({{"k", "v"}});
  EXPECT_EQ(store->mget({"k"})[0], "v");
}

}  // namespace
}  // namespace bytestore
