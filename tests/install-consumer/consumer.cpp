// Uses the promised public API exactly as an application would, and exits
// non-zero on the first broken promise.
#include <bytestore/bytestore.hpp>

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) {                                                    \
      std::cerr << "consumer: check failed: " #cond " (line " << __LINE__ << ")\n"; \
      std::exit(1);                                                   \
    }                                                                 \
  } while (0)

int main() {
  auto store = bytestore::open_yaml("stores: {m: {backend: memory}}\ndefault: m\n");
  std::vector<std::string> keys = {"a", "b"};
  std::vector<std::pair<std::string, bytestore::Bytes>> kv = {{"a", "1"}, {"b", std::string("\0x", 2)}};
  store->mset(kv);
  std::vector<std::optional<bytestore::Bytes>> got = store->mget(keys);
  CHECK(got.size() == 2 && got[0] == "1" && got[1] == std::string("\0x", 2));

  std::size_t listed = 0;
  for (const std::string& k : store->yield_keys("a")) listed += (k == "a");
  for (const std::string& k : store->yield_keys()) listed += !k.empty();
  CHECK(listed == 3);

  auto v = store->amget(keys).get();
  CHECK(v == got);
  store->amdelete(keys).get();
  CHECK(!store->mget(keys)[0].has_value());
  store->amset(kv).get();
  store->mdelete(keys);
  CHECK(!store->mget(keys)[1].has_value());

  bytestore::Capabilities caps = store->capabilities();
  CHECK(caps.atomic_batch && caps.ordered_keys && !caps.persistent && caps.max_key_bytes > 0);

  try {
    store->mset({{"", "empty key"}});
    CHECK(false);
  } catch (const bytestore::Error& e) {
    CHECK(e.code() == bytestore::Errc::invalid_argument);
  }
  try {
    bytestore::open_yaml("stores: {m: {backend: memory, colour: red}}\n");
    CHECK(false);
  } catch (const bytestore::Error& e) {
    CHECK(e.code() == bytestore::Errc::config);
    CHECK(std::string(e.what()).find("<yaml>:1:") == 0);
  }
  bool memory_listed = false;
  for (const bytestore::PluginInfo& p : bytestore::list_plugins())
    memory_listed = memory_listed || p.backend == "memory";
  CHECK(memory_listed);

  // A plugin built outside the tree, found through plugin_dirs.
  const std::string outside = "plugin_dirs: ['" OUTSIDE_PLUGIN_DIR "']\nstores:\n  o: {backend: outside, capacity: 3}\n";
  auto small = bytestore::open_yaml(outside, "o");
  small->mset({{"x", "1"}, {"y", "2"}, {"z", "3"}});
  try {
    small->mset({{"w", "4"}});
    CHECK(false);
  } catch (const bytestore::Error& e) {
    CHECK(e.code() == bytestore::Errc::limit_exceeded);
  }
  CHECK(small->mget({"w", "z"})[1] == "3");
  // Its own option rule, caught by check before anything opens.
  try {
    bytestore::Config::parse("plugin_dirs: ['" OUTSIDE_PLUGIN_DIR "']\nstores:\n  o: {backend: outside, capacity: 0}\n")
        .check();
    CHECK(false);
  } catch (const bytestore::Error& e) {
    CHECK(e.code() == bytestore::Errc::config);
    CHECK(std::string(e.what()).find("capacity must be at least 1") != std::string::npos);
  }
  std::cout << "consumer: the installed package keeps its promises\n";
  return 0;
}
