// Bytes -> config -> stores: only bytestore::Error may come out, and its
// message is one line starting with the source name. Valid memory stores
// are opened and used.
#include <bytestore/bytestore.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

void check_message(const bytestore::Error& e) {
  const std::string_view message = e.what();
  if (message.empty() || !message.starts_with("<yaml>") ||
      message.find('\n') != std::string_view::npos) {
    std::fprintf(stderr, "badly formed error message: [%s]\n", e.what());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const bytestore::Config config = bytestore::Config::parse(text);
    // show() binds every store and fails on the first bad one; the stores
    // are still opened one by one below.
    try {
      (void)config.show();
    } catch (const bytestore::Error& e) {
      check_message(e);
    }
    for (const std::string& name : config.store_names()) {
      try {
        if (config.backend(name) != "memory") continue;  // nothing else may touch disk
        std::unique_ptr<bytestore::ByteStore> store;
        try {
          store = config.open(name);
        } catch (const bytestore::Error& e) {
          check_message(e);
          continue;
        }
        store->mset({{"k", "v"}});  // may be refused by the store's own limits
        if (store->mget({"k"})[0] != "v") std::abort();
      } catch (const bytestore::Error&) {
      }
    }
  } catch (const bytestore::Error& e) {
    check_message(e);
  }
  return 0;
}
