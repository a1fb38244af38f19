// C5 values are bytes; C6 limits are refused, never truncated.
#include "store_test.h"

namespace bytestore::conformance {
namespace {

// Largest value a test builds in memory; bigger limits are tested up to it.
constexpr std::uint64_t kLargestTestValue = 32u << 20;

using C5Values = StoreTest;

TEST_F(C5Values, EmptyValueIsAValueNotMissing) {
  store_->mset({{"empty", ""}});
  EXPECT_EQ(get("empty"), std::optional<Bytes>(""));
  EXPECT_EQ(sorted_keys(*store_), (std::vector<std::string>{"empty"}));
}

TEST_F(C5Values, EveryByteRoundTrips) {
  Bytes all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  Bytes reversed(all.rbegin(), all.rend());
  store_->mset({{"all", all}, {"reversed", reversed}, {"nul", Bytes(1, '\0')},
                {"nuls", Bytes(1000, '\0')}, {"ff", Bytes(3, '\xff')}});
  EXPECT_EQ(store_->mget({"all", "reversed", "nul", "nuls", "ff"}),
            (std::vector<std::optional<Bytes>>{all, reversed, Bytes(1, '\0'), Bytes(1000, '\0'),
                                               Bytes(3, '\xff')}));
}

TEST_F(C5Values, LargeValuesUpToTheAdvertisedMaximum) {
  const std::uint64_t size = std::min(caps_.max_value_bytes, kLargestTestValue);
  Bytes big(size, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131 + 7) % 251);
  store_->mset({{"big", big}, {"small", "s"}});
  const auto got = get("big");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->size(), big.size());
  EXPECT_TRUE(*got == big) << "value of " << size << " bytes came back altered";
}

TEST_F(C5Values, UnicodeKeysRoundTrip) {
  const std::vector<std::string> keys = {"caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e",
                                         "\xf0\x9f\x98\x80", "\xd0\xbf\xd1\x80\xd0\xb8", "a b\tc"};
  store_->mset(pairs_for(keys));
  const auto got = store_->mget(keys);
  for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(got[i], "v:" + keys[i]);
  std::vector<std::string> expected = keys;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted_keys(*store_), expected);
}

using C6Limits = StoreTest;

TEST_F(C6Limits, KeyAtTheLimitWorks) {
  if (caps_.max_key_bytes > (1u << 20)) GTEST_SKIP() << "key limit over 1 MiB; not built in a test";
  const std::string key(caps_.max_key_bytes, 'k');
  store_->mset({{key, "v"}});
  EXPECT_EQ(get(key), "v");
}

TEST_F(C6Limits, KeyOverTheLimitIsRefusedBeforeAnythingIsWritten) {
  if (caps_.max_key_bytes > (1u << 20)) GTEST_SKIP() << "key limit over 1 MiB; not built in a test";
  const std::string key(caps_.max_key_bytes + 1, 'k');
  EXPECT_BYTESTORE_ERROR(store_->mset({{"first", "1"}, {key, "v"}}), Errc::limit_exceeded);
  EXPECT_TRUE(sorted_keys(*store_).empty()) << "part of a refused batch was written";
  EXPECT_BYTESTORE_ERROR(store_->mget({key}), Errc::limit_exceeded);
  EXPECT_BYTESTORE_ERROR(store_->mdelete({key}), Errc::limit_exceeded);
}

TEST_F(C6Limits, ValueOverTheLimitIsRefusedBeforeAnythingIsWritten) {
  if (caps_.max_value_bytes >= kLargestTestValue)
    GTEST_SKIP() << "value limit of " << caps_.max_value_bytes
                 << " bytes is over what a test builds in memory";
  EXPECT_BYTESTORE_ERROR(
      store_->mset({{"first", "1"}, {"big", Bytes(caps_.max_value_bytes + 1, 'x')}}),
      Errc::limit_exceeded);
  EXPECT_TRUE(sorted_keys(*store_).empty()) << "part of a refused batch was written";
}

TEST_F(C6Limits, EmptyKeyIsRefused) {
  EXPECT_BYTESTORE_ERROR(store_->mset({{"ok", "1"}, {"", "v"}}), Errc::invalid_argument);
  EXPECT_BYTESTORE_ERROR(store_->mget({""}), Errc::invalid_argument);
  EXPECT_BYTESTORE_ERROR(store_->mdelete({""}), Errc::invalid_argument);
  EXPECT_TRUE(sorted_keys(*store_).empty());
}

TEST_F(C6Limits, InvalidUtf8KeyIsRefused) {
  for (const std::string bad : {"\xff", "a\xc3", "\xc0\xaf", "\xed\xa0\x80", "\xf5\x80\x80\x80"}) {
    EXPECT_BYTESTORE_ERROR(store_->mset({{bad, "v"}}), Errc::invalid_argument);
    EXPECT_BYTESTORE_ERROR(store_->mget({bad}), Errc::invalid_argument);
    EXPECT_BYTESTORE_ERROR(store_->mdelete({bad}), Errc::invalid_argument);
  }
  EXPECT_TRUE(sorted_keys(*store_).empty());
}

TEST_F(C6Limits, InvalidUtf8PrefixIsRefused) {
  store_->mset({{"a", "1"}});
  for (const std::string bad : {"\xff", "a\xc3", "\xed\xa0\x80"})
    EXPECT_BYTESTORE_ERROR(
        {
          for (const std::string& key : store_->yield_keys(bad)) (void)key;
        },
        Errc::invalid_argument);
  EXPECT_EQ(sorted_keys(*store_), std::vector<std::string>{"a"});  // the empty prefix lists all
}

TEST_F(C6Limits, AsyncFormsRefuseTheSame) {
  EXPECT_BYTESTORE_ERROR(store_->amset({{"", "v"}}).get(), Errc::invalid_argument);
  EXPECT_BYTESTORE_ERROR(store_->amget({""}).get(), Errc::invalid_argument);
  EXPECT_BYTESTORE_ERROR(store_->amdelete({""}).get(), Errc::invalid_argument);
}

}  // namespace
}  // namespace bytestore::conformance
