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
// A duration or size that is not 0 never silently becomes 0, which many
// options read as "none" or "no limit".
TEST(ParseUnits, WhatRoundsDownToZeroIsRefused) {
  for (const char* text : {"0.4ms", "0.0001s", "0.5"}) EXPECT_THROW(parse_duration_ms(text), std::invalid_argument) << text;
  EXPECT_THROW(parse_size("0.5B"), std::invalid_argument);
  try {
    parse_duration_ms("0.4ms");
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "'0.4ms' rounds down to 0; the smallest duration is 1ms");
  }
  EXPECT_EQ(parse_duration_ms("0"), 0u);  // written as 0, meant as 0
  EXPECT_EQ(parse_duration_ms("0ms"), 0u);
  EXPECT_EQ(parse_duration_ms("1.5ms"), 1u);
  EXPECT_EQ(parse_size("0"), 0u);
}

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

namespace bytestore::config {
namespace {

TEST(FormatUnits, LargestExactUnitAndReadBackToTheSameNumber) {
  EXPECT_EQ(format_size(0), "0B");
  EXPECT_EQ(format_size(1536), "1536B");
  EXPECT_EQ(format_size(1ull << 30), "1GiB");
  EXPECT_EQ(format_size(64'000), "64KB");
  EXPECT_EQ(format_size(1000), "1KB");
  EXPECT_EQ(format_size(1'048'576'000), "1000MiB");
  EXPECT_EQ(format_duration_ms(0), "0ms");
  EXPECT_EQ(format_duration_ms(5000), "5s");
  EXPECT_EQ(format_duration_ms(1500), "1500ms");
  EXPECT_EQ(format_duration_ms(7'200'000), "2h");
  EXPECT_EQ(format_duration_ms(90'000), "90s");
  for (std::uint64_t n : {0ull, 1ull, 999ull, 1000ull, 1023ull, 1024ull, 3'000'000ull, (1ull << 53) + 1,
                          18'446'744'073'709'551'615ull, 1ull << 63, 1'099'511'627'776ull * 16'000})
    EXPECT_EQ(parse_size(format_size(n)), n) << format_size(n);
  for (std::uint64_t n : {0ull, 1ull, 999ull, 60'000ull, 86'400'000ull, (1ull << 53) + 1,
                          9'223'372'036'854'775'807ull})
    EXPECT_EQ(parse_duration_ms(format_duration_ms(n)), n) << format_duration_ms(n);
}

TEST(ParseUnits, WholeNumbersAreExactAndBoundedByTheirType) {
  EXPECT_EQ(parse_size("18446744073709551615B"), 18'446'744'073'709'551'615ull);
  EXPECT_THROW(parse_size("18446744073709551616"), std::invalid_argument);
  EXPECT_THROW(parse_size("16777216TiB"), std::invalid_argument);  // 2^64
  EXPECT_EQ(parse_duration_ms("9223372036854775807ms"), 9'223'372'036'854'775'807ull);
  EXPECT_THROW(parse_duration_ms("9223372036854775808ms"), std::invalid_argument);
  EXPECT_EQ(parse_size("1.5KiB"), 1536u);
}

}  // namespace
}  // namespace bytestore::config
