// The compress and encrypt layers against the same codec called by hand:
// zstd (ZSTD_compress at level 3, ZSTD_decompress) or libsodium
// (crypto_aead_xchacha20poly1305_ietf_encrypt/decrypt, a random nonce per
// value, the key as associated data) on the same values, then the bare
// store (the same backend through ByteStore without layers):
//   BM_Layer_<Backend>_<Layer>_<Op>/Layered/<params>  then  .../ByHand/<params>
// Values are 4 KiB of text-like bytes (words, which zstd compresses); the
// store holds the 4 KiB key set of workload.h.
#include <sodium.h>
#include <zstd.h>

#include <array>
#include <cstring>
#include <list>
#include <random>
#include <stdexcept>
#include <string>

#include "layer_stores.h"
#include "suite.h"

namespace bytestore::bench {
namespace {

constexpr ValueSize kSize = ValueSize::medium;
constexpr ValueSize kSizes[] = {kSize};
constexpr std::size_t kBatch = 100;
constexpr int kLevel = 3;
// 32 random bytes in base64, as the encrypt layer takes them.
constexpr const char* kKeyBase64 = "jKs29V5wjTdN1TSj1mgKsf7yvkQ+C4hIzj3xk9WRBqM=";

// `bytes` of words from a small vocabulary, in a deterministic order.
std::string text_of(std::size_t bytes, unsigned seed) {
  static constexpr const char* kWords[] = {
      "the", "store", "key", "value", "batch", "layer", "cache", "write", "read", "engine",
      "of", "and", "a", "to", "in", "is", "that", "for", "with", "as", "config", "plugin",
      "bytes", "request", "latency", "compress", "encrypt", "prefix", "metrics", "retry",
      "document", "collection", "embedding", "vector", "token", "server", "client", "answer"};
  std::mt19937 pick(seed);
  std::uniform_int_distribution<std::size_t> word(0, std::size(kWords) - 1);
  std::string text;
  text.reserve(bytes + 16);
  while (text.size() < bytes) {
    text += kWords[word(pick)];
    text += pick() % 11 == 0 ? ".\n" : " ";
  }
  text.resize(bytes);
  return text;
}

const std::string& stored_text() {
  static const std::string text = text_of(bytes_of(kSize), 0);
  return text;
}

// Writes of kBatch keys of the 4 KiB set with a text value, built once.
const std::vector<SetBatch>& text_set_batches() {
  static const std::vector<SetBatch> pool = [] {
    std::vector<SetBatch> texts = set_batches(kSize, kBatch, 0);
    const std::string value = text_of(bytes_of(kSize), 1);
    for (SetBatch& pairs : texts)
      for (auto& pair : pairs) pair.second = value;
    return texts;
  }();
  return pool;
}

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(what);
}

// zstd by hand, then the bare store.
class ZstdByHand {
 public:
  explicit ZstdByHand(std::unique_ptr<ByteStoreEngine> bare) : bare_(std::move(bare)) {}

  Values mget(int lane, std::span<const std::string> keys) {
    Values values = bare_->mget(lane, keys);
    for (std::optional<std::string>& value : values) {
      if (!value) continue;
      const unsigned long long size = ZSTD_getFrameContentSize(value->data(), value->size());
      check(size != ZSTD_CONTENTSIZE_ERROR && size != ZSTD_CONTENTSIZE_UNKNOWN, "not a zstd frame");
      std::string plain(size, '\0');
      const std::size_t got = ZSTD_decompress(plain.data(), plain.size(), value->data(), value->size());
      check(!ZSTD_isError(got) && got == size, "zstd could not decompress");
      *value = std::move(plain);
    }
    return values;
  }

  void mset(int lane, std::span<const KeyValue> pairs) {
    SetBatch stored;
    stored.reserve(pairs.size());
    for (const auto& [key, value] : pairs) {
      std::string frame(ZSTD_compressBound(value.size()), '\0');
      const std::size_t size =
          ZSTD_compress(frame.data(), frame.size(), value.data(), value.size(), kLevel);
      check(!ZSTD_isError(size), "zstd could not compress");
      frame.resize(size);
      stored.emplace_back(key, std::move(frame));
    }
    bare_->mset(lane, stored);
  }

  std::size_t count_keys(int lane, std::string_view prefix) { return bare_->count_keys(lane, prefix); }

 private:
  std::unique_ptr<ByteStoreEngine> bare_;
};

// libsodium by hand, then the bare store: nonce, then ciphertext and tag.
class SodiumByHand {
 public:
  explicit SodiumByHand(std::unique_ptr<ByteStoreEngine> bare) : bare_(std::move(bare)) {
    check(sodium_init() >= 0, "sodium_init failed");
    std::size_t length = 0;
    check(sodium_base642bin(key_.data(), key_.size(), kKeyBase64, std::strlen(kKeyBase64), nullptr,
                            &length, nullptr, sodium_base64_VARIANT_ORIGINAL) == 0 &&
              length == key_.size(),
          "bad key");
  }

  Values mget(int lane, std::span<const std::string> keys) {
    Values values = bare_->mget(lane, keys);
    for (std::size_t i = 0; i < keys.size(); ++i) {
      std::optional<std::string>& value = values[i];
      if (!value) continue;
      check(value->size() >= kNonce + kTag, "sealed value too short");
      std::string plain(value->size() - kNonce - kTag, '\0');
      unsigned long long size = 0;
      const auto* sealed = reinterpret_cast<const unsigned char*>(value->data());
      check(crypto_aead_xchacha20poly1305_ietf_decrypt(
                reinterpret_cast<unsigned char*>(plain.data()), &size, nullptr, sealed + kNonce,
                value->size() - kNonce, reinterpret_cast<const unsigned char*>(keys[i].data()),
                keys[i].size(), sealed, key_.data()) == 0,
            "value does not open");
      *value = std::move(plain);
    }
    return values;
  }

  void mset(int lane, std::span<const KeyValue> pairs) {
    SetBatch stored;
    stored.reserve(pairs.size());
    for (const auto& [key, value] : pairs) {
      std::string sealed(kNonce + value.size() + kTag, '\0');
      auto* out = reinterpret_cast<unsigned char*>(sealed.data());
      randombytes_buf(out, kNonce);
      unsigned long long size = 0;
      crypto_aead_xchacha20poly1305_ietf_encrypt(
          out + kNonce, &size, reinterpret_cast<const unsigned char*>(value.data()), value.size(),
          reinterpret_cast<const unsigned char*>(key.data()), key.size(), nullptr, out, key_.data());
      stored.emplace_back(key, std::move(sealed));
    }
    bare_->mset(lane, stored);
  }

  std::size_t count_keys(int lane, std::string_view prefix) { return bare_->count_keys(lane, prefix); }

 private:
  static constexpr std::size_t kNonce = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
  static constexpr std::size_t kTag = crypto_aead_xchacha20poly1305_ietf_ABYTES;
  std::array<unsigned char, crypto_aead_xchacha20poly1305_ietf_KEYBYTES> key_{};
  std::unique_ptr<ByteStoreEngine> bare_;
};

// Writes the 4 KiB key set with the text value, and checks that a value
// reads back as written (wrong_answers checks sizes only).
template <Engine E>
std::function<void(E&)> fill_text() {
  return [](E& engine) {
    prefill([&](const SetBatch& pairs) { engine.mset(0, pairs); }, kSizes,
            [](ValueSize) { return stored_text(); });
    const std::string key = key_name(kSize, 0);
    const Values back = engine.mget(0, std::span<const std::string>(&key, 1));
    check(back[0] == stored_text(), "a value read back differs from the one written");
  };
}

template <Engine E>
void run_text_mset(benchmark::State& state, SharedEngine<E>& shared) {
  guarded(state, [&] {
    E& engine = shared.get();
    const std::vector<SetBatch>& pool = text_set_batches();
    std::size_t next = 0;
    for (auto _ : state) {
      timed_mset(engine, 0, pool[next]);
      next = next + 1 == pool.size() ? 0 : next + 1;
    }
    report_keys(state, kBatch);
  });
}

// How much zstd at kLevel shrinks the values, for the record.
double zstd_ratio() {
  const std::string& text = stored_text();
  std::string frame(ZSTD_compressBound(text.size()), '\0');
  const std::size_t size = ZSTD_compress(frame.data(), frame.size(), text.data(), text.size(), kLevel);
  return ZSTD_isError(size) ? 0.0 : static_cast<double>(text.size()) / static_cast<double>(size);
}

template <class ByHand>
void register_codec(Backend backend, const char* title, const char* name, const std::string& yaml) {
  static std::list<SharedEngine<ByteStoreEngine>> layered_stores;
  static std::list<SharedEngine<ByHand>> by_hand_stores;
  const std::string backend_name = backend_title(backend);
  auto* layered = &layered_stores.emplace_back(
      [=] { return open_layered(backend, backend_name + "-" + name, yaml); },
      fill_text<ByteStoreEngine>());
  auto* by_hand = &by_hand_stores.emplace_back(
      [=] {
        return std::make_unique<ByHand>(open_layered(backend, backend_name + "-" + name + "-by-hand", ""));
      },
      fill_text<ByHand>());
  const std::string base = "BM_Layer_" + backend_name + "_" + title;
  const std::string tail = params(kSize, kBatch);
  const bool compress = std::string_view(name) == "compress";
  const auto add = [compress](const std::string& bench, auto body) {
    benchmark::RegisterBenchmark(bench.c_str(), [body, compress](benchmark::State& s) {
      body(s);
      if (compress) s.counters["zstd_ratio"] = zstd_ratio();
    })->UseRealTime();
  };
  add(base + "_Mget/Layered/" + tail + "/hit:100",
      [=](benchmark::State& s) { run_mget(s, *layered, kSize, kBatch, 100); });
  add(base + "_Mget/ByHand/" + tail + "/hit:100",
      [=](benchmark::State& s) { run_mget(s, *by_hand, kSize, kBatch, 100); });
  add(base + "_Mset/Layered/" + tail,
      [=](benchmark::State& s) { run_text_mset(s, *layered); });
  add(base + "_Mset/ByHand/" + tail,
      [=](benchmark::State& s) { run_text_mset(s, *by_hand); });
}

const bool registered = [] {
  for (Backend backend : kLayerBackends) {
    register_codec<ZstdByHand>(backend, "Compress", "compress",
                               "[ { layer: compress, codec: zstd, level: 3 } ]");
    register_codec<SodiumByHand>(backend, "Encrypt", "encrypt",
                                 std::string("[ { layer: encrypt, key: \"") + kKeyBase64 + "\" } ]");
  }
  return true;
}();

}  // namespace
}  // namespace bytestore::bench
