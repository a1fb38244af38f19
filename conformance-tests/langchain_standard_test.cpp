// The equivalent of LangChain's standard BaseStore tests, sync and async.
#include "store_test.h"

namespace bytestore::conformance {
namespace {

using Values = std::vector<std::optional<Bytes>>;

class LangChainStandard : public StoreTest, public ::testing::WithParamInterface<bool> {
 protected:
  bool async() const { return GetParam(); }

  Values mget(std::vector<std::string> keys) {
    return async() ? store_->amget(std::move(keys)).get() : store_->mget(keys);
  }
  void mset(std::vector<KeyValue> pairs) {
    async() ? store_->amset(std::move(pairs)).get() : store_->mset(pairs);
  }
  void mdelete(std::vector<std::string> keys) {
    async() ? store_->amdelete(std::move(keys)).get() : store_->mdelete(keys);
  }
  std::vector<std::string> keys(const std::string& prefix = {}) {
    std::vector<std::string> out;
    if (async()) {
      AsyncKeyCursor cursor = store_->ayield_keys(prefix);
      for (auto page = cursor.next_page().get(); !page.empty(); page = cursor.next_page().get())
        out.insert(out.end(), page.begin(), page.end());
    } else {
      for (const std::string& k : store_->yield_keys(prefix)) out.push_back(k);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST_P(LangChainStandard, EmptyStoreHasNoKeysAndNoValues) {
  EXPECT_TRUE(keys().empty());
  EXPECT_EQ(mget({"foo", "bar"}), (Values{std::nullopt, std::nullopt}));
}

TEST_P(LangChainStandard, SetThenGet) {
  mset({{"foo", "v1"}, {"bar", "v2"}});
  EXPECT_EQ(mget({"foo", "bar"}), (Values{"v1", "v2"}));
}

TEST_P(LangChainStandard, Delete) {
  mset({{"foo", "v1"}, {"bar", "v2"}});
  mdelete({"foo"});
  EXPECT_EQ(mget({"foo", "bar"}), (Values{std::nullopt, "v2"}));
}

TEST_P(LangChainStandard, DeleteBulk) {
  mset({{"foo", "v1"}, {"bar", "v2"}, {"baz", "v3"}});
  mdelete({"foo", "bar"});
  EXPECT_EQ(mget({"foo", "bar", "baz"}), (Values{std::nullopt, std::nullopt, "v3"}));
}

TEST_P(LangChainStandard, DeleteMissingKeysIsNotAnError) {
  mdelete({"foo"});
  mset({{"foo", "v1"}});
  mdelete({"foo", "bar"});
  EXPECT_EQ(mget({"foo", "bar"}), (Values{std::nullopt, std::nullopt}));
}

TEST_P(LangChainStandard, SetIsIdempotent) {
  mset({{"foo", "v1"}, {"bar", "v2"}});
  mset({{"foo", "v1"}, {"bar", "v2"}});
  EXPECT_EQ(mget({"foo", "bar"}), (Values{"v1", "v2"}));
  EXPECT_EQ(keys(), (std::vector<std::string>{"bar", "foo"}));
}

TEST_P(LangChainStandard, SameKeyTwiceInOneGet) {
  mset({{"foo", "v1"}});
  EXPECT_EQ(mget({"foo", "foo"}), (Values{"v1", "v1"}));
}

TEST_P(LangChainStandard, OverwriteReplacesTheValue) {
  mset({{"foo", "v1"}});
  mset({{"foo", "v2"}});
  EXPECT_EQ(mget({"foo"}), (Values{"v2"}));
}

TEST_P(LangChainStandard, YieldKeysWithAndWithoutPrefix) {
  mset({{"foo", "v1"}, {"bar", "v2"}, {"foo/baz", "v3"}});
  EXPECT_EQ(keys(), (std::vector<std::string>{"bar", "foo", "foo/baz"}));
  EXPECT_EQ(keys("foo"), (std::vector<std::string>{"foo", "foo/baz"}));
  EXPECT_EQ(keys("foo/"), (std::vector<std::string>{"foo/baz"}));
  EXPECT_TRUE(keys("nothing").empty());
}

INSTANTIATE_TEST_SUITE_P(, LangChainStandard, ::testing::Values(false, true),
                         [](const auto& info) { return info.param ? "Async" : "Sync"; });

}  // namespace
}  // namespace bytestore::conformance
