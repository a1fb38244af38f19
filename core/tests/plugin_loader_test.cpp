// The loader's errors, each asserted by its message, and the boundary's
// handling of options and exceptions.
#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>
#include <gmock/gmock.h>

#include "utf8_text.h"

#include <cstdlib>

namespace bytestore {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

const std::string kDir = BYTESTORE_TEST_PLUGIN_DIR;

std::string config_with(const std::string& store_body) {
  return "plugin_dirs: [" + kDir + "]\nstores:\n  s:\n" + store_body;
}

// The Error that opening store "s" of `yaml` throws.
Error open_error(const std::string& yaml) {
  try {
    open_yaml(yaml, "s");
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "opened without error:\n" << yaml;
  return Error(Errc::internal, "");
}

TEST(PluginLoader, MissingPluginNamesEveryDirectorySearched) {
  setenv("BYTESTORE_PLUGIN_PATH", "/opt/nowhere:/also/nowhere", 1);
  const Error e = open_error(config_with("    backend: nosuch\n"));
  unsetenv("BYTESTORE_PLUGIN_PATH");
  EXPECT_EQ(e.code(), Errc::plugin);
  EXPECT_THAT(e.what(), StartsWith("<yaml>:4:14: store 's': no plugin for backend 'nosuch': "
                                   "bytestore-nosuch.so not found in " + kDir +
                                   ", /opt/nowhere, /also/nowhere, "));
  EXPECT_THAT(e.what(), HasSubstr("/bytestore/plugins"));  // beside libbytestore
  EXPECT_THAT(e.what(), HasSubstr("available backends: "));
  EXPECT_THAT(e.what(), HasSubstr("testkit"));
}

TEST(PluginLoader, FileWithoutEntrySymbol) {
  const Error e = open_error(config_with("    backend: noentry\n"));
  EXPECT_EQ(e.code(), Errc::plugin);
  EXPECT_THAT(e.what(), HasSubstr("plugin " + kDir + "/bytestore-noentry.so does not export the "
                                  "entry symbol 'bytestore_plugin_entry'; it is not a bytestore plugin"));
}

TEST(PluginLoader, AbiVersionMismatchNamesFileBackendAndBothVersions) {
  const Error e = open_error(config_with("    backend: newabi\n"));
  EXPECT_EQ(e.code(), Errc::plugin);
  EXPECT_THAT(e.what(), HasSubstr("plugin " + kDir + "/bytestore-newabi.so (backend 'newabi') was "
                                  "built for plugin ABI version 2, but bytestore " BYTESTORE_VERSION
                                  " speaks plugin ABI version 1"));
}

TEST(PluginLoader, OpenFailurePassesThePluginMessageThrough) {
  const Error e = open_error(config_with("    backend: testkit\n    path: /x/y\n    fail_open: true\n"));
  EXPECT_EQ(e.code(), Errc::io);
  EXPECT_STREQ(e.what(), "<yaml>:3:3: store 's' (testkit): cannot open /x/y: permission denied");
}

TEST(PluginLoader, InvalidBackendNameIsRefusedBeforeAnyFileIsTouched) {
  const Error e = open_error(config_with("    backend: ../../etc/x\n"));
  EXPECT_EQ(e.code(), Errc::plugin);
  EXPECT_THAT(e.what(), HasSubstr("invalid backend name '../../etc/x'"));
}

TEST(PluginBoundary, ExceptionsNeverCrossTheBoundary) {
  auto store = open_yaml(config_with("    backend: testkit\n    path: p\n"), "s");
  try {
    store->mget({"throw"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::internal);
    EXPECT_STREQ(e.what(), "store 's' (testkit): unexpected exception: boom");
  }
  try {
    store->mget({"throw-int"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::internal);
    EXPECT_STREQ(e.what(), "store 's' (testkit): unexpected exception of unknown type");
  }
}

TEST(PluginBoundary, OptionsArriveTypedWithDefaultsAndAliases) {
  auto store = open_yaml(config_with("    backend: testkit\n    path: /data\n    api_token: t0k\n"
                                     "    timeout: 1.5s\n    cache: 2KiB\n    mode: fast\n    level: -7\n"),
                         "s");
  EXPECT_EQ(store->mget({"options"})[0], "/data|t0k|1500|2048|fast|-7");
  auto defaults = open_yaml(config_with("    backend: testkit\n    path: /d\n"), "s");
  EXPECT_EQ(defaults->mget({"options"})[0], "/d||5000|1048576|safe|-1");
}

TEST(PluginDiscovery, ListsPluginsWithTheirSchemas) {
  const PluginInfo info = find_plugin("testkit", {kDir});
  EXPECT_EQ(info.version, "9.9.9");
  EXPECT_EQ(info.file, kDir + "/bytestore-testkit.so");
  ASSERT_EQ(info.options.size(), 7u);
  EXPECT_EQ(info.options[0].name, "path");
  EXPECT_TRUE(info.options[0].required);
  EXPECT_FALSE(info.options[0].default_value.has_value());
  EXPECT_EQ(info.options[1].alias, "api_token");
  EXPECT_TRUE(info.options[1].secret);
  EXPECT_EQ(info.options[2].type, OptionType::enumeration);
  EXPECT_EQ(info.options[2].choices, (std::vector<std::string>{"fast", "safe"}));
  EXPECT_EQ(info.options[2].default_value, "safe");
  EXPECT_EQ(info.options[3].type, OptionType::duration);
  EXPECT_EQ(info.options[3].default_value, "5000");

  bool memory_found = false;
  for (const PluginInfo& p : list_plugins()) memory_found = memory_found || p.backend == "memory";
  EXPECT_TRUE(memory_found) << "the in-tree memory plugin is found with no configuration";
}

TEST(PluginDiscovery, CurrentDirectoryIsNeverSearchedImplicitly) {
  setenv("BYTESTORE_PLUGIN_PATH", "::", 1);
  for (const auto& dir : plugin_search_path()) {
    EXPECT_FALSE(dir.empty());
    EXPECT_NE(dir, ".");
  }
  unsetenv("BYTESTORE_PLUGIN_PATH");
}

}  // namespace
}  // namespace bytestore

namespace bytestore {
namespace {

// Errors raised during a call say which store and backend they come from,
// and print no raw control bytes or invalid UTF-8 from the user's keys.
TEST(CallErrors, NameTheStoreAndBackendAndEscapeUserBytes) {
  auto store = open_yaml("stores:\n  fast: { backend: memory, max_key_bytes: 8, max_value_bytes: 4 }\n",
                         "fast");
  try {
    store->mset({{"0123456789", "v"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::limit_exceeded);
    EXPECT_STREQ(e.what(),
                 "store 'fast' (memory): key of 10 bytes exceeds the 8-byte limit of this backend");
  }
  try {
    store->mset({{"\x1b[31m", "too long"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "store 'fast' (memory): value of 8 bytes for key '\\x1b[31m' exceeds "
                           "the 4-byte limit of this backend");
  }
  try {
    store->mget({std::string("\x1b\xc3(", 3)});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::invalid_argument);
    EXPECT_STREQ(e.what(), "store 'fast' (memory): key '\\x1b\\xc3(' is not valid UTF-8");
  }
  try {
    for (const auto& k : store->yield_keys("\xfe")) (void)k;
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "store 'fast' (memory): prefix '\\xfe' is not valid UTF-8");
  }
  // Valid UTF-8 passes as it is; tabs and newlines stay on one line.
  EXPECT_EQ(internal::printable("caf\xc3\xa9\t\n\x7f"), "caf\xc3\xa9\\t\\n\\x7f");
}

}  // namespace
}  // namespace bytestore

namespace bytestore {
namespace {

TEST(AsyncThreads, ABadSettingFailsOpenNamingIt) {
  setenv("BYTESTORE_ASYNC_THREADS", "lots", 1);
  try {
    open_yaml("stores:\n  m: { backend: memory }\n", "m");
    ADD_FAILURE() << "opened";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    EXPECT_STREQ(e.what(), "BYTESTORE_ASYNC_THREADS='lots' is not a thread count from 1 to 256");
  }
  setenv("BYTESTORE_ASYNC_THREADS", "3", 1);
  EXPECT_NO_THROW(open_yaml("stores:\n  m: { backend: memory }\n", "m"));
  unsetenv("BYTESTORE_ASYNC_THREADS");
}

}  // namespace
}  // namespace bytestore
