// C1 mget, C2 mset, C3 mdelete.
#include "store_test.h"

namespace bytestore::conformance {
namespace {

using Values = std::vector<std::optional<Bytes>>;

using C1Mget = StoreTest;

TEST_F(C1Mget, AnswersInRequestOrderWithMissingKeysEmpty) {
  store_->mset({{"a", "1"}, {"c", "3"}});
  EXPECT_EQ(store_->mget({"c", "b", "a", "zz"}), (Values{"3", std::nullopt, "1", std::nullopt}));
}

TEST_F(C1Mget, DuplicatedKeysAreAnsweredAtEachPosition) {
  store_->mset({{"a", "1"}});
  EXPECT_EQ(store_->mget({"a", "missing", "a", "missing", "a"}),
            (Values{"1", std::nullopt, "1", std::nullopt, "1"}));
}

TEST_F(C1Mget, EmptyRequestGivesEmptyAnswer) {
  EXPECT_TRUE(store_->mget(std::vector<std::string>{}).empty());
}

TEST_F(C1Mget, ManyKeysInOneCall) {
  const auto keys = numbered_keys("many/", 1500);
  store_->mset(pairs_for(keys));
  std::vector<std::string> request = keys;
  std::reverse(request.begin(), request.end());
  request.push_back("many/absent");
  const Values got = store_->mget(request);
  ASSERT_EQ(got.size(), request.size());
  for (std::size_t i = 0; i + 1 < request.size(); ++i) EXPECT_EQ(got[i], "v:" + request[i]);
  EXPECT_EQ(got.back(), std::nullopt);
}

using C2Mset = StoreTest;

TEST_F(C2Mset, InsertsAndOverwritesInOneCall) {
  store_->mset({{"a", "old"}});
  store_->mset({{"a", "new"}, {"b", "fresh"}});
  EXPECT_EQ(store_->mget({"a", "b"}), (Values{"new", "fresh"}));
}

TEST_F(C2Mset, RepeatedKeyInOneCallEndsWithItsLastValue) {
  store_->mset({{"k", "first"}, {"other", "x"}, {"k", "second"}, {"k", "last"}});
  EXPECT_EQ(get("k"), "last");
  EXPECT_EQ(sorted_keys(*store_), (std::vector<std::string>{"k", "other"}));
}

TEST_F(C2Mset, EmptyCallIsANoOp) {
  store_->mset(std::vector<KeyValue>{});
  EXPECT_TRUE(sorted_keys(*store_).empty());
}

using C3Mdelete = StoreTest;

TEST_F(C3Mdelete, RemovesOnlyTheGivenKeys) {
  store_->mset({{"a", "1"}, {"ab", "2"}, {"b", "3"}});
  store_->mdelete({"a", "missing"});
  EXPECT_EQ(sorted_keys(*store_), (std::vector<std::string>{"ab", "b"}));
}

TEST_F(C3Mdelete, DuplicatedAndMissingKeysAreFine) {
  store_->mset({{"a", "1"}});
  store_->mdelete({"a", "a", "never"});
  store_->mdelete(std::vector<std::string>{});
  EXPECT_EQ(get("a"), std::nullopt);
}

TEST_F(C3Mdelete, ManyKeysInOneCall) {
  const auto keys = numbered_keys("del/", 1200);
  store_->mset(pairs_for(keys));
  store_->mdelete(std::vector<std::string>(keys.begin(), keys.begin() + 1100));
  EXPECT_EQ(sorted_keys(*store_), std::vector<std::string>(keys.begin() + 1100, keys.end()));
}

}  // namespace
}  // namespace bytestore::conformance
