#include "units.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace bytestore::config {
namespace {

TEST(ParseSize, AcceptsBinaryAndDecimalUnits) {
  EXPECT_EQ(parse_size("4096"), 4096u);
  EXPECT_EQ(parse_size("512MiB"), 512ull << 20);
  EXPECT_EQ(parse_size("1GiB"), 1ull << 30);
  EXPECT_EQ(parse_size("1 gib"), 1ull << 30);
  EXPECT_EQ(parse_size("1GB"), 1'000'000'000u);
  EXPECT_EQ(parse_size("64KB"), 64'000u);
  EXPECT_EQ(parse_size("1.5KiB"), 1536u);
  EXPECT_EQ(parse_size("0"), 0u);
}

TEST(ParseSize, RefusesWhatIsNotASize) {
  EXPECT_THROW(parse_size("-1MiB"), std::invalid_argument);
  EXPECT_THROW(parse_size("12XB"), std::invalid_argument);
  EXPECT_THROW(parse_size("MiB"), std::invalid_argument);
  EXPECT_THROW(parse_size(""), std::invalid_argument);
  EXPECT_THROW(parse_size("99999999TiB"), std::invalid_argument);
  try {
    parse_size("12XB");
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "unknown unit 'XB' (one of b, kb, mb, gb, tb, kib, mib, gib, tib; examples: 4096, "
                 "512MiB, 1GB)");
  }
}

TEST(ParseDuration, AcceptsUnits) {
  EXPECT_EQ(parse_duration_ms("250ms"), 250u);
  EXPECT_EQ(parse_duration_ms("30s"), 30'000u);
  EXPECT_EQ(parse_duration_ms("1.5s"), 1'500u);
  EXPECT_EQ(parse_duration_ms("5m"), 300'000u);
  EXPECT_EQ(parse_duration_ms("1h"), 3'600'000u);
  EXPECT_EQ(parse_duration_ms("0"), 0u);
}

// Plugins hold durations as signed 64-bit milliseconds: larger is refused
// here, not overflowed there.
TEST(ParseDuration, FitsASigned64BitMillisecondCount) {
  EXPECT_GT(parse_duration_ms("2562047788015h"), 9'223'372'000'000'000'000u);  // via double: not exact
  EXPECT_THROW(parse_duration_ms("2562047788016h"), std::invalid_argument);
  EXPECT_THROW(parse_duration_ms("200000000000499.5m"), std::invalid_argument);
}

TEST(ParseDuration, RequiresAUnit) {
  try {
    parse_duration_ms("30");
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "'30' needs a unit (one of ms, s, m, h; examples: 250ms, 30s, 5m)");
  }
  EXPECT_THROW(parse_duration_ms("-5s"), std::invalid_argument);
  EXPECT_THROW(parse_duration_ms("5 days"), std::invalid_argument);
}

}  // namespace
}  // namespace bytestore::config
