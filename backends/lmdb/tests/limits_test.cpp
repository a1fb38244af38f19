// C6 for LMDB: keys of at most 511 bytes, refused beyond, never truncated.
// Checked through the public API and straight through the plugin's C table,
// since the host refuses long keys before the plugin would.
#include <bytestore/plugin_abi.h>

#include <dlfcn.h>

#include <string>
#include <vector>

#include "scratch.h"

namespace bytestore::lmdb::testing {
namespace {

TEST(Limits, CapabilitiesAreLmdbs) {
  ScratchDir dir;
  auto store = open_lmdb(dir.file("env"));
  const Capabilities caps = store->capabilities();
  EXPECT_EQ(caps.max_key_bytes, 511u);
  EXPECT_EQ(caps.max_value_bytes, 0xFFFFFFFFu);
  EXPECT_TRUE(caps.atomic_batch);
  EXPECT_TRUE(caps.ordered_keys);
  EXPECT_TRUE(caps.persistent);
  EXPECT_FALSE(caps.native_async);
}

TEST(Limits, KeyOf511BytesWorksAnd512IsRefused) {
  ScratchDir dir;
  auto store = open_lmdb(dir.file("env"));
  const std::string longest(511, 'k');
  const std::string too_long(512, 'k');
  store->mset({{longest, "v"}});
  EXPECT_EQ(store->mget({longest})[0], "v");
  const std::string message = EXPECT_ERRC(store->mset({{"a", "1"}, {too_long, "v"}}), Errc::limit_exceeded);
  EXPECT_NE(message.find("511"), std::string::npos) << message;
  EXPECT_ERRC(store->mget({too_long}), Errc::limit_exceeded);
  EXPECT_ERRC(store->mdelete({too_long}), Errc::limit_exceeded);
  EXPECT_EQ(store->mget({"a"})[0], std::nullopt) << "part of a refused batch was written";
  // The 511-byte key is listed whole, not cut.
  std::vector<std::string> keys;
  for (const std::string& k : store->yield_keys()) keys.push_back(k);
  EXPECT_EQ(keys, std::vector<std::string>{longest});
}

// The plugin's C table, loaded directly.
class PluginTable : public ::testing::Test {
 protected:
  void SetUp() override {
    library_ = dlopen(BYTESTORE_LMDB_PLUGIN, RTLD_NOW | RTLD_LOCAL);
    ASSERT_NE(library_, nullptr) << dlerror();
    auto entry = reinterpret_cast<bytestore_plugin_entry_fn>(
        dlsym(library_, BYTESTORE_PLUGIN_ENTRY_SYMBOL));
    ASSERT_NE(entry, nullptr);
    table_ = entry();
    const std::string name = "path", value = dir_.file("env");
    const bytestore_option_value options[] = {{{name.data(), name.size()}, {value.data(), value.size()}}};
    ASSERT_EQ(table_->open(options, 1, &instance_, &error_), BYTESTORE_OK) << message_;
  }
  void TearDown() override {
    if (instance_) table_->close(instance_);
    // The library stays loaded: the host in this process may share it.
  }

  ScratchDir dir_;
  void* library_ = nullptr;
  const bytestore_plugin* table_ = nullptr;
  bytestore_instance* instance_ = nullptr;
  std::string message_;
  bytestore_error error_{this, [](void* self, const char* text, std::size_t size) {
                           static_cast<PluginTable*>(self)->message_.assign(text, size);
                         }};
};

TEST_F(PluginTable, RefusesLongKeysItselfNamingTheLimit) {
  const std::string good = "good", long_key(512, 'k'), value = "v";
  const bytestore_slice keys[] = {{good.data(), good.size()}, {long_key.data(), long_key.size()}};
  const bytestore_slice values[] = {{value.data(), value.size()}, {value.data(), value.size()}};
  EXPECT_EQ(table_->mset(instance_, keys, values, 2, &error_), BYTESTORE_LIMIT_EXCEEDED);
  EXPECT_NE(message_.find("511-byte limit"), std::string::npos) << message_;
  message_.clear();
  EXPECT_EQ(table_->mdelete(instance_, keys + 1, 1, &error_), BYTESTORE_LIMIT_EXCEEDED);
  EXPECT_NE(message_.find("511"), std::string::npos) << message_;
  int found = 0;
  auto count = [](void* context, std::size_t, const char*, std::size_t) { ++*static_cast<int*>(context); };
  EXPECT_EQ(table_->mget(instance_, keys, 1, count, &found, &error_), BYTESTORE_OK);
  EXPECT_EQ(found, 0) << "part of a refused batch was written";
  EXPECT_EQ(table_->mget(instance_, keys + 1, 1, count, &found, &error_), BYTESTORE_LIMIT_EXCEEDED);
}

TEST_F(PluginTable, RefusesEmptyKeysItself) {
  const std::string value = "v";
  const bytestore_slice keys[] = {{"", 0}};
  const bytestore_slice values[] = {{value.data(), value.size()}};
  EXPECT_EQ(table_->mset(instance_, keys, values, 1, &error_), BYTESTORE_INVALID_ARGUMENT);
}

TEST_F(PluginTable, SchemaDocumentsEveryOption) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < table_->option_count; ++i) {
    names.push_back(table_->options[i].name);
    EXPECT_NE(std::string(table_->options[i].doc), "") << names.back();
  }
  EXPECT_EQ(names, (std::vector<std::string>{"path", "subdir", "map_size", "max_readers", "sync",
                                             "read_only", "page_size"}));
  EXPECT_EQ(std::string(table_->options[2].default_value), std::to_string(1u << 30));
}

}  // namespace
}  // namespace bytestore::lmdb::testing
