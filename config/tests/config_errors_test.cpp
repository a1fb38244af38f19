// Every kind of bad config fails with one message naming file:line:column,
// the store and the option.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace bytestore {
namespace {

using ::testing::HasSubstr;

const std::string kPlugins = "plugin_dirs: [" BYTESTORE_TEST_PLUGIN_DIR "]\n";

// The message of the Error that opening store "s" of `yaml` throws.
std::string error_of(const std::string& yaml, Errc expected = Errc::config) {
  try {
    open_yaml(yaml, "s");
  } catch (const Error& e) {
    EXPECT_EQ(to_string(e.code()), to_string(expected)) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "opened without error:\n" << yaml;
  return {};
}

TEST(ConfigErrors, YamlSyntaxError) {
  EXPECT_EQ(error_of("stores:\n  s: {backend: memory\n"),
            "<yaml>:3:1: YAML syntax error: end of map flow not found");
}

TEST(ConfigErrors, UnknownOptionSuggestsTheNearestName) {
  EXPECT_EQ(error_of("stores:\n  s:\n    backend: memory\n    page_sise: 10\n"),
            "<yaml>:4:5: store 's': unknown option 'page_sise' for backend 'memory' "
            "(did you mean 'page_size'?)");
}

TEST(ConfigErrors, WrongType) {
  EXPECT_EQ(error_of("stores:\n  s:\n    backend: memory\n    page_size: many\n"),
            "<yaml>:4:16: store 's': option 'page_size': expected a non-negative integer, got 'many'");
  EXPECT_EQ(error_of("stores:\n  s:\n    backend: memory\n    page_size: [1, 2]\n"),
            "<yaml>:4:16: store 's': option 'page_size': got a sequence (expected a unsigned integer)");
}

TEST(ConfigErrors, NegativeSize) {
  EXPECT_EQ(error_of("stores:\n  s:\n    backend: memory\n    max_key_bytes: -5KiB\n"),
            "<yaml>:4:20: store 's': option 'max_key_bytes': size cannot be negative");
}

TEST(ConfigErrors, MissingRequiredOption) {
  EXPECT_EQ(error_of(kPlugins + "stores:\n  s:\n    backend: testkit\n"),
            "<yaml>:3:3: store 's': missing required option 'path' (string: Where the data lives.)");
}

TEST(ConfigErrors, BadEnumValue) {
  EXPECT_EQ(error_of(kPlugins + "stores:\n  s:\n    backend: testkit\n    path: p\n    mode: fsat\n"),
            "<yaml>:6:11: store 's': option 'mode': 'fsat' is not one of fast, safe "
            "(did you mean 'fast'?)");
}

TEST(ConfigErrors, UnknownBackend) {
  const std::string message = error_of("stores:\n  s:\n    backend: memroy\n", Errc::plugin);
  EXPECT_THAT(message, ::testing::StartsWith("<yaml>:3:14: store 's': no plugin for backend 'memroy'"));
}

TEST(ConfigErrors, UnsetEnvironmentVariable) {
  unsetenv("BYTESTORE_TEST_UNSET");
  EXPECT_EQ(error_of(kPlugins + "stores:\n  s:\n    backend: testkit\n    path: ${BYTESTORE_TEST_UNSET}\n"),
            "<yaml>:5:11: store 's': option 'path': environment variable BYTESTORE_TEST_UNSET is not "
            "set (write ${BYTESTORE_TEST_UNSET:-default} to give a default)");
}

TEST(ConfigErrors, UnsetVariableOfAnotherStoreDoesNotMatter) {
  unsetenv("BYTESTORE_TEST_UNSET");
  auto store = open_yaml(kPlugins + "stores:\n  s: {backend: memory}\n"
                                    "  t: {backend: testkit, path: '${BYTESTORE_TEST_UNSET}'}\n",
                         "s");
  EXPECT_NE(store, nullptr);
}

TEST(ConfigErrors, ShapeErrors) {
  EXPECT_EQ(error_of("- a\n- b\n"),
            "<yaml>:1:1: a config is a YAML mapping with 'stores' (and optionally 'default', "
            "'plugin_dirs'), not a sequence");
  EXPECT_EQ(error_of("defualt: s\nstores: {s: {backend: memory}}\n"),
            "<yaml>:1:1: config: unknown key 'defualt' (did you mean 'default'?)");
  EXPECT_EQ(error_of("default: s\n"), "<yaml>:1:1: config has no 'stores' mapping");
  EXPECT_EQ(error_of("stores:\n  s:\n    path: x\n"),
            "<yaml>:2:3: store 's' has no 'backend' (e.g. backend: sqlite)");
  EXPECT_EQ(error_of("stores:\n  s: {backend: memory}\n  s: {backend: memory}\n"),
            "<yaml>:3:3: stores: 's' is given twice");
  EXPECT_EQ(error_of("default: t\nstores:\n  s: {backend: memory}\n"),
            "<yaml>:1:10: default store 't' is not defined under 'stores' (did you mean 's'?)");
  EXPECT_EQ(error_of("stores:\n  s: {backend: memory, page_size: 1, page_size: 2}\n"),
            "<yaml>:2:38: store 's': 'page_size' is given twice");
}

TEST(ConfigErrors, UnknownStoreName) {
  try {
    open_yaml("stores:\n  local: {backend: memory}\n  cloud: {backend: memory}\n", "locl");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "<yaml>: no store 'locl' (did you mean 'local'?); its stores: local, cloud");
  }
}

TEST(ConfigErrors, FileErrorsNameTheFile) {
  const auto dir = std::filesystem::temp_directory_path() / "bytestore-config-test";
  std::filesystem::create_directories(dir);
  const auto file = dir / "app.yaml";
  std::ofstream(file) << "stores:\n  s:\n    backend: memory\n    colour: red\n";
  try {
    open(file, "s");
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(std::string(e.what()),
              file.string() + ":4:5: store 's': unknown option 'colour' for backend 'memory'");
  }
  try {
    open(dir / "missing.yaml");
    FAIL();
  } catch (const Error& e) {
    EXPECT_THAT(e.what(), HasSubstr("missing.yaml: cannot read config file: No such file or directory"));
  }
  std::filesystem::remove_all(dir);
}

TEST(ConfigShow, SecretsAreRedactedAndDefaultsShown) {
  setenv("BYTESTORE_TEST_TOKEN", "AstraCS:very-secret", 1);
  const Config config = Config::parse(kPlugins +
                                      "default: s\nstores:\n  s:\n    backend: testkit\n    path: /p\n"
                                      "    token: ${BYTESTORE_TEST_TOKEN}\n  lost:\n    backend: nosuch\n"
                                      "    password: hunter2\n");
  const std::string shown = config.show();
  EXPECT_THAT(shown, ::testing::Not(HasSubstr("very-secret")));
  EXPECT_THAT(shown, ::testing::Not(HasSubstr("hunter2")));
  EXPECT_THAT(shown, HasSubstr("token: ${BYTESTORE_TEST_TOKEN}"));  // the reference, not its value
  EXPECT_THAT(shown, HasSubstr("timeout: 5s"));
  EXPECT_THAT(shown, HasSubstr("cache: 1MiB"));
  EXPECT_THAT(shown, HasSubstr("password: <redacted>"));
  EXPECT_THAT(shown, HasSubstr("path: /p"));
  EXPECT_THAT(shown, HasSubstr("mode: safe"));
  unsetenv("BYTESTORE_TEST_TOKEN");
}

TEST(ConfigDefault, DefaultStoreAndSingleStore) {
  const Config config = Config::parse("default: b\nstores:\n  a: {backend: memory}\n  b: {backend: memory}\n");
  EXPECT_EQ(config.default_store(), "b");
  EXPECT_EQ(config.store_names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(open_yaml("stores:\n  only: {backend: memory}\n"), nullptr);
  try {
    open_yaml("stores:\n  a: {backend: memory}\n  b: {backend: memory}\n");
    FAIL();
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "<yaml>: no store named, and the config has no 'default'; its stores: a, b");
  }
}

}  // namespace
}  // namespace bytestore

namespace bytestore {
namespace {

TEST(ConfigOrder, TopLevelKeysInAnyOrder) {
  auto store = open_yaml("stores: {m: {backend: memory}}\ndefault: m\nplugin_dirs: []\n");
  store->mset({{"k", "v"}});
  EXPECT_EQ(store->mget({"k"})[0], "v");
}

}  // namespace
}  // namespace bytestore
