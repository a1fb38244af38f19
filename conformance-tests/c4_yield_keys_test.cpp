// C4 yield_keys(prefix).
#include "store_test.h"

#include <set>

namespace bytestore::conformance {
namespace {

using C4YieldKeys = StoreTest;

TEST_F(C4YieldKeys, EmptyPrefixYieldsEveryKeyOnce) {
  store_->mset({{"b", "1"}, {"a", "2"}, {"c/d", "3"}});
  EXPECT_EQ(sorted_keys(*store_), (std::vector<std::string>{"a", "b", "c/d"}));
}

TEST_F(C4YieldKeys, KeyThatIsAPrefixOfAnother) {
  store_->mset({{"ab", "1"}, {"abc", "2"}, {"abd", "3"}, {"a", "4"}, {"b", "5"}});
  EXPECT_EQ(sorted_keys(*store_, "ab"), (std::vector<std::string>{"ab", "abc", "abd"}));
  EXPECT_EQ(sorted_keys(*store_, "abc"), (std::vector<std::string>{"abc"}));
  EXPECT_EQ(sorted_keys(*store_, "abcd"), std::vector<std::string>{});
}

TEST_F(C4YieldKeys, WildcardAndQuoteCharactersMatchLiterally) {
  const std::vector<std::string> specials = {"%", "_", "*", "\\", "'", "\"", "?", "[", "]", "."};
  std::vector<KeyValue> pairs;
  for (const std::string& s : specials) {
    pairs.emplace_back("x" + s + "y", "1");
    pairs.emplace_back("xAy" + s, "2");
  }
  pairs.emplace_back("xay", "3");
  store_->mset(pairs);
  for (const std::string& s : specials) {
    EXPECT_EQ(sorted_keys(*store_, "x" + s), (std::vector<std::string>{"x" + s + "y"}))
        << "prefix x" << s;
  }
}

TEST_F(C4YieldKeys, NulAndMultiByteUtf8InPrefixes) {
  const std::string nul_key("n\0a", 3);
  store_->mset({{nul_key, "1"}, {"n", "2"}, {"nb", "3"},
                {"caf\xc3\xa9/1", "4"}, {"caf\xc3\xa9/2", "5"}, {"cafe", "6"},
                {"\xe6\x97\xa5\xe6\x9c\xac", "7"}, {"\xf0\x9f\x98\x80x", "8"}});
  EXPECT_EQ(sorted_keys(*store_, std::string("n\0", 2)), (std::vector<std::string>{nul_key}));
  EXPECT_EQ(sorted_keys(*store_, "caf\xc3\xa9"),
            (std::vector<std::string>{"caf\xc3\xa9/1", "caf\xc3\xa9/2"}));
  EXPECT_EQ(sorted_keys(*store_, "\xe6\x97\xa5"), (std::vector<std::string>{"\xe6\x97\xa5\xe6\x9c\xac"}));
  EXPECT_EQ(sorted_keys(*store_, "\xf0\x9f\x98\x80"), (std::vector<std::string>{"\xf0\x9f\x98\x80x"}));
}

TEST_F(C4YieldKeys, PrefixEndingInHighestByteRanges) {
  // Prefix scans often compute a successor of the prefix: keys right
  // around that boundary must be neither lost nor leaked.
  store_->mset({{"a\x7f", "1"}, {"a\x7f" "z", "2"}, {"b", "3"}, {"a~", "4"},
                {"\xf4\x8f\xbf\xbf", "5"}, {"\xf4\x8f\xbf\xbf" "a", "6"}});
  EXPECT_EQ(sorted_keys(*store_, "a\x7f"), (std::vector<std::string>{"a\x7f", "a\x7f" "z"}));
  EXPECT_EQ(sorted_keys(*store_, "\xf4\x8f\xbf\xbf"),
            (std::vector<std::string>{"\xf4\x8f\xbf\xbf", "\xf4\x8f\xbf\xbf" "a"}));
}

TEST_F(C4YieldKeys, ListingPastManyPagesYieldsEachKeyExactlyOnce) {
  const auto keys = numbered_keys("page/", 2500);
  store_->mset(pairs_for(keys, ""));
  store_->mset({{"pagf", "outside"}, {"pag", "outside"}});
  std::multiset<std::string> seen;
  for (const std::string& k : store_->yield_keys("page/")) seen.insert(k);
  EXPECT_EQ(seen.size(), keys.size());
  EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), keys.size());
  EXPECT_EQ(std::vector<std::string>(seen.begin(), seen.end()), keys);
}

TEST_F(C4YieldKeys, AbandonedListingIsHarmless) {
  store_->mset(pairs_for(numbered_keys("ab/", 50)));
  {
    KeyRange range = store_->yield_keys("ab/");
    auto it = range.begin();
    ASSERT_FALSE(it == range.end());
  }  // dropped after one key
  store_->mset({{"after", "1"}});
  EXPECT_EQ(get("after"), "1");
}

TEST_F(C4YieldKeys, OrderedBackendsListInByteOrder) {
  if (!caps_.ordered_keys) GTEST_SKIP() << "backend does not claim ordered_keys";
  store_->mset({{"b", ""}, {"a\xc3\xa9", ""}, {"a", ""}, {"A", ""}, {"a~", ""}, {"a\x01", ""}});
  std::vector<std::string> listed;
  for (const std::string& k : store_->yield_keys()) listed.push_back(k);
  std::vector<std::string> sorted = listed;
  std::sort(sorted.begin(), sorted.end(), [](const std::string& x, const std::string& y) {
    return std::lexicographical_compare(x.begin(), x.end(), y.begin(), y.end(),
                                        [](char p, char q) { return static_cast<unsigned char>(p) <
                                                                    static_cast<unsigned char>(q); });
  });
  EXPECT_EQ(listed, sorted);
  EXPECT_EQ(listed.size(), 6u);
}

}  // namespace
}  // namespace bytestore::conformance
