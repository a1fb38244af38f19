#include "request_checks.h"

#include <bytestore/error.hpp>

#include <gtest/gtest.h>

namespace bytestore::internal {
namespace {

TEST(Utf8, AcceptsValidText) {
  for (const char* ok : {"", "abc", "caf\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x98\x80", "\xf4\x8f\xbf\xbf",
                         "\xed\x9f\xbf"})
    EXPECT_TRUE(is_valid_utf8(ok)) << ok;
  EXPECT_TRUE(is_valid_utf8(std::string_view("a\0b", 3)));
}

TEST(Utf8, RefusesMalformedText) {
  for (const char* bad : {"\x80", "\xc3", "\xc0\x80", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80",
                          "\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\xe6\x97", "a\xf0\x9f\x98"})
    EXPECT_FALSE(is_valid_utf8(bad)) << bad;
}

TEST(CheckKey, NamesTheLimit) {
  Capabilities caps;
  caps.max_key_bytes = 511;
  caps.max_value_bytes = 10;
  try {
    check_key(std::string(612, 'k'), caps);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::limit_exceeded);
    EXPECT_STREQ(e.what(), "key of 612 bytes exceeds the 511-byte limit of this backend");
  }
  std::vector<KeyValue> pairs = {{"k", std::string(11, 'v')}};
  try {
    check_pairs(pairs, caps);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::limit_exceeded);
    EXPECT_STREQ(e.what(), "value of 11 bytes for key 'k' exceeds the 10-byte limit of this backend");
  }
}

TEST(QuoteKey, CutsLongKeysOnACharacterBoundary) {
  const std::string key = std::string(39, 'a') + "\xc3\xa9" + std::string(10, 'b');
  EXPECT_EQ(quote_key(key), "'" + std::string(39, 'a') + "...'");
  EXPECT_EQ(quote_key("short"), "'short'");
}

}  // namespace
}  // namespace bytestore::internal
