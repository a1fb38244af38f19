// The encrypt layer from config: what reaches the store beneath, what it
// refuses to open (tampering, wrong keys, moved or foreign values), key
// rotation, its limits and options.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "scratch_dir.h"

namespace bytestore {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScratchDir;

// Test keys only.
const std::string kKey1 = "jKs29V5wjTdN1TSj1mgKsf7yvkQ+C4hIzj3xk9WRBqM=";
const std::string kKey2 = "n2OOi17EZ2RROambffNwegDDeRFgd8bGtoNrDA8c9sY=";
const std::string kKey3 = "PXGiVuFizS2HKCE3+r2t0LT6u7D6NC3z2kajRXiBhCU=";
constexpr std::size_t kOverhead = 1 + 24 + 16;

std::string error_of(const std::function<void()>& call, Errc expected) {
  try {
    call();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), expected) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "no error";
}

class EncryptLayer : public ::testing::Test {
 protected:
  // Stores on one SQLite file: bare, under each key, rotated from key 1 to
  // key 2, and two namespaces under key 1.
  Config config() const {
    const std::string path = dir_.file("data.db");
    auto store = [&](const std::string& name, const std::string& layers) {
      return "  " + name + ":\n    backend: sqlite\n    path: '" + path + "'\n    layers:\n" + layers;
    };
    return Config::parse("stores:\n  raw: { backend: sqlite, path: '" + path + "' }\n" +
                         store("k1", "      - { layer: encrypt, key: '" + kKey1 + "' }\n") +
                         store("k2", "      - { layer: encrypt, key: '" + kKey2 + "' }\n") +
                         store("rotated", "      - { layer: encrypt, key: '" + kKey2 + "', old_keys: '" + kKey3 +
                                              ", " + kKey1 + "' }\n") +
                         store("a", "      - { layer: prefix, prefix: a/ }\n      - { layer: encrypt, key: '" + kKey1 + "' }\n") +
                         store("b", "      - { layer: prefix, prefix: b/ }\n      - { layer: encrypt, key: '" + kKey1 + "' }\n"));
  }
  ScratchDir dir_;
};

TEST_F(EncryptLayer, TheEngineSeesNoPlaintextOnlyTheKeys) {
  const Config c = config();
  auto k1 = c.open("k1");
  const std::string secret = "the launch code is 0000; the launch code is 0000";
  k1->mset({{"doc:secret", secret}, {"empty", ""}});
  auto raw = c.open("raw");
  const auto stored = raw->mget({"doc:secret", "empty"});
  ASSERT_TRUE(stored[0] && stored[1]);
  EXPECT_EQ(stored[0]->size(), secret.size() + kOverhead);
  EXPECT_EQ(stored[1]->size(), kOverhead);
  EXPECT_EQ(stored[0]->at(0), '\x01');
  EXPECT_THAT(*stored[0], AllOf(Not(HasSubstr("launch")), Not(HasSubstr("code")), Not(HasSubstr("0000"))));
  EXPECT_EQ(k1->mget({"doc:secret", "empty", "missing"}),
            (std::vector<std::optional<Bytes>>{secret, "", std::nullopt}));
  EXPECT_EQ(k1->amget({"doc:secret"}).get()[0], secret);  // async through the layer
  // Keys are not encrypted: listing needs them.
  std::vector<std::string> keys;
  for (const std::string& k : raw->yield_keys("doc:")) keys.push_back(k);
  EXPECT_EQ(keys, std::vector<std::string>{"doc:secret"});
  // A fresh nonce per write: the same value never looks the same twice.
  k1->mset({{"again", secret}});
  EXPECT_NE(raw->mget({"again"})[0]->substr(1), stored[0]->substr(1));
}

TEST_F(EncryptLayer, ChangingAnyStoredByteIsCorruptionNamingTheKey) {
  const Config c = config();
  auto k1 = c.open("k1");
  auto raw = c.open("raw");
  k1->mset({{"doc\x01:7", "short value"}});
  const std::string stored = *raw->mget({"doc\x01:7"})[0];
  for (std::size_t i = 0; i < stored.size(); ++i) {
    std::string changed = stored;
    changed[i] = static_cast<char>(changed[i] ^ 0x20);
    raw->mset({{"doc\x01:7", changed}});
    const std::string message = error_of([&] { k1->mget({"doc\x01:7"}); }, Errc::corruption);
    EXPECT_THAT(message, HasSubstr("store 'k1' (encrypt): value of 'doc\\x01:7' ")) << "byte " << i;
    EXPECT_THAT(message, Not(HasSubstr(kKey1.substr(0, 8))));
  }
  raw->mset({{"doc\x01:7", stored}});
  EXPECT_EQ(k1->mget({"doc\x01:7"})[0], "short value");
}

TEST_F(EncryptLayer, AWrongKeyIsCorruption) {
  const Config c = config();
  c.open("k1")->mset({{"doc", "written under key 1"}});
  EXPECT_THAT(error_of([&] { c.open("k2")->mget({"doc"}); }, Errc::corruption),
              AllOf(HasSubstr("store 'k2' (encrypt): value of 'doc' does not open with the key: it was changed, "
                              "written under another key or for another key name, or not written by the encrypt layer"),
                    Not(HasSubstr(kKey1.substr(0, 8))), Not(HasSubstr(kKey2.substr(0, 8)))));
}

TEST_F(EncryptLayer, OldKeysOpenOldValuesWhileNewWritesUseTheNewKey) {
  const Config c = config();
  c.open("k1")->mset({{"old", "sealed with key 1"}});
  auto rotated = c.open("rotated");
  EXPECT_EQ(rotated->mget({"old"})[0], "sealed with key 1");
  rotated->mset({{"new", "sealed with key 2"}, {"old", "resealed"}});
  EXPECT_EQ(c.open("k2")->mget({"new", "old"}),
            (std::vector<std::optional<Bytes>>{"sealed with key 2", "resealed"}));
  EXPECT_THAT(error_of([&] { c.open("k1")->mget({"new"}); }, Errc::corruption),
              HasSubstr("value of 'new' does not open with the key"));
  c.open("k2")->mset({{"unknown", "x"}});
  EXPECT_EQ(rotated->mget({"unknown"})[0], "x");
  c.open("raw")->mset({{"foreign", std::string(60, '\x01')}});
  EXPECT_THAT(error_of([&] { rotated->mget({"foreign"}); }, Errc::corruption),
              HasSubstr("value of 'foreign' does not open with the key or any of the 2 old keys"));
}

TEST_F(EncryptLayer, AValueCopiedUnderAnotherKeyDoesNotOpen) {
  const Config c = config();
  c.open("k1")->mset({{"alice", "alice's balance: 100"}});
  auto raw = c.open("raw");
  raw->mset({{"bob", *raw->mget({"alice"})[0]}});
  EXPECT_THAT(error_of([&] { c.open("k1")->mget({"bob"}); }, Errc::corruption),
              HasSubstr("value of 'bob' does not open with the key"));
  EXPECT_EQ(c.open("k1")->mget({"alice"})[0], "alice's balance: 100");
}

TEST_F(EncryptLayer, TheBoundKeyIsTheStoredOneUnderOuterLayers) {
  const Config c = config();
  c.open("a")->mset({{"doc", "tenant a's"}});
  auto raw = c.open("raw");
  EXPECT_EQ(raw->mget({"a/doc"})[0]->size(), 10 + kOverhead);
  // Same key, same layer key, other namespace: the stored key differs.
  raw->mset({{"b/doc", *raw->mget({"a/doc"})[0]}});
  EXPECT_THAT(error_of([&] { c.open("b")->mget({"doc"}); }, Errc::corruption),
              HasSubstr("store 'b' (encrypt): value of 'b/doc' does not open"));
  EXPECT_EQ(c.open("a")->mget({"doc"})[0], "tenant a's");
}

TEST_F(EncryptLayer, ValuesTheLayerDidNotWriteAreCorruptionThatSaysSo) {
  const Config c = config();
  auto raw = c.open("raw");
  raw->mset({{"plain", "plain text"}, {"empty", ""}, {"versioned", "\x02" + std::string(60, 'x')}});
  auto k1 = c.open("k1");
  EXPECT_THAT(error_of([&] { k1->mget({"plain"}); }, Errc::corruption),
              HasSubstr("value of 'plain' is 10 bytes, too short for a value the encrypt layer wrote (41 at least): "
                        "it was not written by the encrypt layer"));
  EXPECT_THAT(error_of([&] { k1->mget({"empty"}); }, Errc::corruption), HasSubstr("value of 'empty' is 0 bytes"));
  EXPECT_THAT(error_of([&] { k1->mget({"versioned"}); }, Errc::corruption),
              HasSubstr("value of 'versioned' has unknown version byte 0x02: it was not written by the encrypt layer"));
}

TEST_F(EncryptLayer, TheValueLimitShrinksByVersionNonceAndTag) {
  const Config c = config();
  const Capabilities raw = c.open("raw")->capabilities();
  const Capabilities k1 = c.open("k1")->capabilities();
  EXPECT_EQ(k1.max_value_bytes, raw.max_value_bytes - kOverhead);
  EXPECT_EQ(k1.max_key_bytes, raw.max_key_bytes);
  EXPECT_EQ(k1.atomic_batch, raw.atomic_batch);
  EXPECT_EQ(k1.ordered_keys, raw.ordered_keys);
  EXPECT_EQ(k1.persistent, raw.persistent);
}

TEST_F(EncryptLayer, ConfigRefusesBadKeysWithoutShowingThem) {
  auto check = [](const std::string& options) {
    return error_of([&] {
      Config::parse("stores:\n  s:\n    backend: memory\n    layers:\n      - { layer: encrypt" + options + " }\n").check();
    }, Errc::config);
  };
  const std::string expected = "store 's' (encrypt): key must be 32 bytes in standard base64: 44 characters, as "
                               "`openssl rand -base64 32` prints them";
  EXPECT_THAT(check(", key: 'hunter2hunter2'"), AllOf(HasSubstr(expected + " (this one has 14 characters)"),
                                                      Not(HasSubstr("hunter2"))));
  EXPECT_THAT(check(", key: 'c2l4dGVlbiBieXRlcyBrZXk='"), AllOf(HasSubstr(expected), Not(HasSubstr("c2l4"))));  // 16 bytes
  EXPECT_THAT(check(", key: '" + kKey1.substr(0, 43) + "'"), HasSubstr(expected));  // padding missing
  EXPECT_THAT(check(", key: '" + kKey1 + "AAAA'"), HasSubstr(expected));
  EXPECT_THAT(check(", key: '" + std::string(kKey1).replace(5, 1, "-") + "'"), HasSubstr(expected));  // URL-safe
  EXPECT_THAT(check(""), HasSubstr("missing required option 'key'"));
  EXPECT_THAT(check(", key: '" + kKey1 + "', old_keys: '" + kKey2 + ",oops'"),
              AllOf(HasSubstr("old_keys entry 2 must be 32 bytes in standard base64"), Not(HasSubstr("oops"))));
  EXPECT_THAT(check(", key: '" + kKey1 + "', old_keys: '" + kKey2 + ",'"), HasSubstr("old_keys entry 2 must be"));
  Config::parse("stores:\n  s:\n    backend: memory\n    layers:\n      - { layer: encrypt, key: '" + kKey1 +
                "', old_keys: ' " + kKey2 + " , " + kKey3 + "' }\n").check();
}

TEST_F(EncryptLayer, ConfigShowRedactsTheKeys) {
  const Config c = Config::parse("stores:\n  s:\n    backend: memory\n    layers:\n      - { layer: encrypt, key: '" +
                                 kKey1 + "', old_keys: '" + kKey2 + "' }\n");
  const std::string shown = c.show();
  EXPECT_THAT(shown, AllOf(HasSubstr("layer: encrypt"), Not(HasSubstr(kKey1.substr(0, 8))),
                           Not(HasSubstr(kKey2.substr(0, 8)))));
}

}  // namespace
}  // namespace bytestore
