// The compress layer from config: what reaches the store beneath (headers,
// sizes), what it refuses to read, its limits and options.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <zstd.h>

#include <random>

#include "scratch_dir.h"

namespace bytestore {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::ScratchDir;

std::string compressible(std::size_t size) {
  std::string text;
  while (text.size() < size) text += "key=value; the quick brown fox jumps over the lazy dog " + std::to_string(text.size() % 97) + "\n";
  text.resize(size);
  return text;
}

std::string random_bytes(std::size_t size) {
  std::mt19937_64 random(42);
  std::string bytes(size, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

Errc code_of(const std::function<void()>& call, std::string* message) {
  try {
    call();
  } catch (const Error& e) {
    *message = e.what();
    return e.code();
  }
  *message = "no error";
  return Errc::internal;
}

class CompressLayer : public ::testing::Test {
 protected:
  // The compressed store and the bare one, on one SQLite file.
  Config config(const std::string& options = "") const {
    const std::string path = dir_.file("data.db");
    return Config::parse("stores:\n"
                         "  raw: { backend: sqlite, path: '" + path + "' }\n"
                         "  z:\n    backend: sqlite\n    path: '" + path + "'\n"
                         "    layers:\n      - { layer: compress" + options + " }\n");
  }
  // What `store` says reading `key`, which must fail with corruption.
  static std::string corruption_reading(ByteStore& store, const std::string& key) {
    std::string message;
    EXPECT_EQ(code_of([&] { store.mget({key}); }, &message), Errc::corruption) << message;
    return message;
  }
  ScratchDir dir_;
};

TEST_F(CompressLayer, LargeCompressibleValuesAreStoredAsMuchSmallerZstdFrames) {
  const Config c = config();
  auto z = c.open("z");
  const std::string value = compressible(100'000);
  z->mset({{"doc", value}});
  const auto raw = c.open("raw")->mget({"doc"})[0];
  ASSERT_TRUE(raw.has_value());
  EXPECT_EQ(raw->at(0), '\x01');
  EXPECT_LT(raw->size(), value.size() / 10);
  EXPECT_EQ(ZSTD_getFrameContentSize(raw->data() + 1, raw->size() - 1), value.size());
  EXPECT_EQ(z->mget({"doc"})[0], value);
  EXPECT_EQ(z->amget({"doc"}).get()[0], value);  // async through the layer
}

TEST_F(CompressLayer, SmallAndIncompressibleValuesAreStoredAsIsBehindAZeroByte) {
  const Config c = config();
  auto z = c.open("z");
  const std::string noise = random_bytes(10'000);
  z->mset({{"small", "hello"}, {"empty", ""}, {"noise", noise}, {"nul", std::string(3, '\0')}});
  auto raw = c.open("raw");
  EXPECT_EQ(raw->mget({"small", "empty", "noise", "nul"}),
            (std::vector<std::optional<Bytes>>{std::string("\0hello", 6), std::string(1, '\0'),
                                               std::string(1, '\0') + noise, std::string(4, '\0')}));
  EXPECT_EQ(z->mget({"small", "empty", "noise", "nul", "missing"}),
            (std::vector<std::optional<Bytes>>{"hello", "", noise, std::string(3, '\0'), std::nullopt}));
}

TEST_F(CompressLayer, MinBytesAndLevelChooseWhatIsCompressedAndHowHard) {
  const Config c = config(", min_bytes: 1KiB, level: 19");
  auto z = c.open("z");
  z->mset({{"below", compressible(1023)}, {"at", compressible(1024)}});
  auto raw = c.open("raw");
  const auto stored = raw->mget({"below", "at"});
  EXPECT_EQ(*stored[0], std::string(1, '\0') + compressible(1023));
  EXPECT_EQ(stored[1]->at(0), '\x01');
  EXPECT_EQ(z->mget({"below", "at"}),
            (std::vector<std::optional<Bytes>>{compressible(1023), compressible(1024)}));
}

TEST_F(CompressLayer, ValuesTheLayerDidNotWriteAreCorruptionNamingTheKey) {
  const Config c = config();
  auto z = c.open("z");
  auto raw = c.open("raw");
  const std::string value = compressible(5'000);
  z->mset({{"good", value}});
  const std::string frame = raw->mget({"good"})[0]->substr(1);

  // A frame without its content size, as zstd's streaming API writes it.
  std::string unsized(ZSTD_compressBound(value.size()), '\0');
  ZSTD_CCtx* cctx = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(cctx, ZSTD_c_contentSizeFlag, 0);
  unsized.resize(ZSTD_compress2(cctx, unsized.data(), unsized.size(), value.data(), value.size()));
  ZSTD_freeCCtx(cctx);
  // A frame header claiming 1 TiB (single segment, 8-byte content size).
  const std::string bomb = std::string("\x28\xb5\x2f\xfd\xe0", 5) + std::string("\0\0\0\0\0\x01\0\0", 8);

  raw->mset({{"plain", "plain text"},
             {"empty", ""},
             {"bad\x01key", "\x7f"},
             {"not-a-frame", "\x01plain text"},
             {"truncated", "\x01" + frame.substr(0, frame.size() - 3)},
             {"unsized", "\x01" + unsized},
             {"bomb", "\x01" + bomb}});
  EXPECT_THAT(corruption_reading(*z, "plain"),
              AllOf(HasSubstr("store 'z' (compress): value of 'plain' has unknown header byte 0x70"),
                    HasSubstr("not written by the compress layer")));
  EXPECT_THAT(corruption_reading(*z, "empty"), HasSubstr("value of 'empty' is empty: it was not written by the compress layer"));
  EXPECT_THAT(corruption_reading(*z, "bad\x01key"), HasSubstr("value of 'bad\\x01key' has unknown header byte 0x7f"));
  EXPECT_THAT(corruption_reading(*z, "not-a-frame"), HasSubstr("value of 'not-a-frame' is not a zstd frame"));
  EXPECT_THAT(corruption_reading(*z, "truncated"), HasSubstr("value of 'truncated' is a damaged zstd frame"));
  EXPECT_THAT(corruption_reading(*z, "unsized"), HasSubstr("value of 'unsized' is a zstd frame without a content size"));
  EXPECT_THAT(corruption_reading(*z, "bomb"),
              HasSubstr("value of 'bomb' is a zstd frame claiming 1099511627776 bytes, more than the"));
  EXPECT_EQ(z->mget({"good"})[0], value);  // the others stay readable
}

TEST_F(CompressLayer, TheValueLimitShrinksByTheHeaderByteOnly) {
  const Config c = config();
  const Capabilities raw = c.open("raw")->capabilities();
  const Capabilities z = c.open("z")->capabilities();
  EXPECT_EQ(z.max_value_bytes, raw.max_value_bytes - 1);
  EXPECT_EQ(z.max_key_bytes, raw.max_key_bytes);
  EXPECT_EQ(z.atomic_batch, raw.atomic_batch);
  EXPECT_EQ(z.ordered_keys, raw.ordered_keys);
  EXPECT_EQ(z.persistent, raw.persistent);
}

TEST_F(CompressLayer, ListingAndDeletingPassThrough) {
  const Config c = config();
  auto z = c.open("z");
  z->mset({{"a/1", compressible(500)}, {"a/2", "x"}, {"b/1", "y"}});
  std::vector<std::string> keys;
  for (const std::string& k : z->yield_keys("a/")) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"a/1", "a/2"}));
  z->mdelete({"a/1"});
  EXPECT_EQ(c.open("raw")->mget({"a/1"})[0], std::nullopt);
}

TEST_F(CompressLayer, ConfigChecksItsOptions) {
  auto error_of = [](const std::string& layer) {
    std::string message;
    code_of([&] { Config::parse("stores:\n  s:\n    backend: memory\n    layers:\n      - " + layer + "\n").check(); },
            &message);
    return message;
  };
  EXPECT_THAT(error_of("{ layer: compress, level: 23 }"),
              HasSubstr("store 's' (compress): level must be from -131072 to 22 (zstd's range), not 23"));
  EXPECT_THAT(error_of("{ layer: compress, codec: lz4 }"), HasSubstr("lz4"));
  EXPECT_THAT(error_of("{ layer: compress, min_bytes: lots }"), HasSubstr("min_bytes"));
  EXPECT_EQ(error_of("{ layer: compress, codec: zstd, level: -5, min_bytes: 0 }"), "no error");
}

}  // namespace
}  // namespace bytestore
