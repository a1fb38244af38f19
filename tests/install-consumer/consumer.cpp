// Uses the promised public API exactly as an application would, and exits
// non-zero on the first broken promise.
#include <bytestore/bytestore.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
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
  // A layer built outside the tree, over the installed prefix layer, from YAML.
  const bytestore::Config layered = bytestore::Config::parse(
      "plugin_dirs: ['" OUTSIDE_PLUGIN_DIR "']\nstores:\n  s: { backend: sqlite, path: '/tmp/bytestore-consumer-layer.db' }\n"
      "  l:\n    backend: sqlite\n    path: '/tmp/bytestore-consumer-layer.db'\n"
      "    layers: [ { layer: reverse }, { layer: prefix, prefix: 'p/' } ]\n");
  {
    auto through = layered.open("l");
    through->mset({{"k", "abc"}});
    CHECK(through->mget({"k"})[0] == "abc");
    CHECK(layered.open("s")->mget({"p/k"})[0] == "cba");
    std::size_t keys = 0;
    for (const std::string& k : through->yield_keys()) keys += k == "k";
    CHECK(keys == 1);
    through->mdelete({"k"});
  }
  std::filesystem::remove("/tmp/bytestore-consumer-layer.db");
  std::filesystem::remove("/tmp/bytestore-consumer-layer.db-wal");
  std::filesystem::remove("/tmp/bytestore-consumer-layer.db-shm");

  // Errors name the store and backend; user bytes in them are escaped.
  try {
    small->mget({std::string("\x1b\xff", 2)});
    CHECK(false);
  } catch (const bytestore::Error& e) {
    CHECK(std::string(e.what()) == "store 'o' (outside): key '\\x1b\\xff' is not valid UTF-8");
  }
  CHECK(bytestore::printable("a\tb\x7f") == "a\\tb\\x7f");
  CHECK(bytestore::is_valid_utf8("caf\xc3\xa9") && !bytestore::is_valid_utf8("\xc3"));

  // Paths follow the config file; locate() says where the data is without
  // creating it; compact() gives space back.
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "bytestore-consumer-paths";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  {
    std::ofstream(dir / "stores.yaml") << "stores:\n  s: { backend: sqlite, path: data/s.db }\n";
  }
  const bytestore::Config config = bytestore::Config::load_file(dir / "stores.yaml");
  const bytestore::StoreLocation before = config.locate("s");
  CHECK(before.where == (dir / "data" / "s.db").string());
  CHECK(before.data == bytestore::StoreLocation::Data::absent);
  CHECK(!std::filesystem::exists(dir / "data"));
  auto local = config.open("s");
  local->mset({{"k", std::string(100'000, 'v')}});
  local->mdelete({"k"});
  CHECK(local->compact());
  CHECK(config.locate("s").data == bytestore::StoreLocation::Data::present);
  CHECK(!bytestore::open_yaml("stores: {m: {backend: memory}}\n", "m")->compact());
  local.reset();
  std::filesystem::remove_all(dir);

  // The files backend: LangChain's keys at root/KEY, any other key too,
  // and the directories a delete empties gone.
  const std::filesystem::path files_root = std::filesystem::temp_directory_path() / "bytestore-consumer-files";
  std::filesystem::remove_all(files_root);
  {
    auto files = bytestore::open_yaml("stores: {f: {backend: files, root: '" + files_root.string() + "'}}\n", "f");
    files->mset({{"emb/doc.1", "vector"}, {"any key/\xc3\xbc", "w"}});
    std::string text;
    std::getline(std::ifstream(files_root / "emb" / "doc.1"), text);
    CHECK(text == "vector");
    CHECK(files->mget({"any key/\xc3\xbc"})[0] == "w");
    files->mdelete({"emb/doc.1", "any key/\xc3\xbc"});
    CHECK(std::filesystem::is_empty(files_root));
  }
  std::filesystem::remove_all(files_root);

  std::cout << "consumer: the installed package keeps its promises\n";
  return 0;
}
