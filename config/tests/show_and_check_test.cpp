// `config show` prints what loads again unchanged; `config check` names
// every bad store; YAML's traps come with what to do.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include "config_document.h"
#include "scratch_dir.h"

namespace bytestore {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ScratchDir;

const std::string kPlugins = "plugin_dirs: [" BYTESTORE_TEST_PLUGIN_DIR "]\n";

// Every backend's options, given in the forms a person writes them.
std::string every_backend(const std::string& extra = {}) {
  return kPlugins +
         "default: lite\n"
         "stores:\n"
         "  mem: {backend: memory, max_key_bytes: 1KiB, max_value_bytes: 3MB, page_size: 7}\n"
         "  lite:\n"
         "    backend: sqlite\n"
         "    path: data/lite.db\n"
         "    busy_timeout: 1.5s\n"
         "    synchronous: normal\n"
         "    read_only: no\n"
         "  fast: {backend: lmdb, path: ./lmdb, map_size: 1000MiB, sync: nosync, max_readers: 9}\n"
         "  cloud:\n"
         "    backend: astra\n"
         "    collection_name: docs\n"
         "    caller: app$$1/2.0\n"
         "    api_endpoint: ${BYTESTORE_SHOW_ENDPOINT}\n"
         "    token: ${BYTESTORE_SHOW_TOKEN}\n"
         "    namespace: ks\n"
         "    request_timeout: 2m\n"
         "    ca_file: certs/ca.pem\n"
         "  kit:\n"
         "    backend: testkit\n"
         "    path: ~/kit\n"
         "    api_token: ${BYTESTORE_SHOW_TOKEN}\n"
         "    timeout: 90000ms\n"
         "    cache: 1536\n" +
         extra;
}

class ConfigShowRoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("BYTESTORE_SHOW_ENDPOINT", "http://127.0.0.1:8181", 1);
    setenv("BYTESTORE_SHOW_TOKEN", "AstraCS:very-secret", 1);
  }
  void TearDown() override {
    unsetenv("BYTESTORE_SHOW_ENDPOINT");
    unsetenv("BYTESTORE_SHOW_TOKEN");
  }
  ScratchDir dir_{"bytestore-show"};
};

TEST_F(ConfigShowRoundTrip, WhatItPrintsLoadsAgainUnchangedFromAnotherDirectory) {
  fs::create_directories(dir_.path() / "app");
  fs::create_directories(dir_.path() / "elsewhere");
  fs::create_directories(dir_.path() / "app" / "certs");
  std::ofstream(dir_.file("app/certs/ca.pem")) << "";  // astra's check reads it
  const std::string first = dir_.file("app/bytestore.yaml");
  std::ofstream(first) << every_backend();
  const std::string shown = Config::load_file(first).show();
  // Saved in another directory: relative paths were made absolute.
  const std::string second = dir_.file("elsewhere/shown.yaml");
  std::ofstream(second) << shown;
  const Config again = Config::load_file(second);
  EXPECT_EQ(again.show(), shown);
  EXPECT_NO_THROW(again.check());

  const std::string app = (dir_.path() / "app").string();
  for (const std::string& line : std::vector<std::string>{"max_key_bytes: 1KiB", "max_value_bytes: 3MB", "page_size: 7", "path: " + app + "/data/lite.db",
        std::string("busy_timeout: 1500ms"), std::string("synchronous: normal"), std::string("read_only: false"),
        "path: " + app + "/lmdb", std::string("map_size: 1000MiB"), std::string("sync: nosync"),
        std::string("caller: app$$1/2.0"), std::string("api_endpoint: http://127.0.0.1:8181"),
        std::string("request_timeout: 2m"), "ca_file: " + app + "/certs/ca.pem", std::string("timeout: 90s"),
        std::string("cache: 1536B"), std::string("connections: 4"), std::string("subdir: true")})
    EXPECT_THAT(shown, HasSubstr("    " + line + "\n")) << shown;
  // Secrets: a ${VAR} reference is kept as written (it loads again, and
  // names only the variable); a literal secret is never printed.
  EXPECT_THAT(shown, HasSubstr("    token: ${BYTESTORE_SHOW_TOKEN}\n"));
  EXPECT_THAT(shown, Not(HasSubstr("<redacted>")));
  EXPECT_THAT(shown, Not(HasSubstr("very-secret")));
}

TEST_F(ConfigShowRoundTrip, ALiteralSecretIsRedactedAndTheRedactionIsRefusedOnLoad) {
  const std::string file = dir_.file("bytestore.yaml");
  std::ofstream(file) << every_backend("  kit2: {backend: testkit, path: /k, token: literal-secret}\n");
  const std::string shown = Config::load_file(file).show();
  EXPECT_THAT(shown, HasSubstr("    token: <redacted>\n"));
  EXPECT_THAT(shown, Not(HasSubstr("literal-secret")));
  const std::string copy = dir_.file("copy.yaml");
  std::ofstream(copy) << shown;
  EXPECT_EQ(Config::load_file(copy).show(), shown);  // shown again, the same
  try {
    Config::load_file(copy).open("kit2");
    FAIL() << "a redacted secret loaded";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    EXPECT_THAT(e.what(), HasSubstr("store 'kit2': option 'token': is <redacted>, which `config show` "
                                    "prints in place of a secret"));
  }
}

TEST_F(ConfigShowRoundTrip, AnUnsetVariableFailsShowAsItFailsCheck) {
  unsetenv("BYTESTORE_SHOW_TOKEN");
  const Config config = Config::parse(every_backend(), "app.yaml");
  std::string check_error, show_error;
  try {
    config.check();
  } catch (const Error& e) {
    check_error = e.what();
  }
  try {
    config.show();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    show_error = e.what();
  }
  EXPECT_EQ(show_error,
            "app.yaml:17:12: store 'cloud': option 'token': environment variable BYTESTORE_SHOW_TOKEN "
            "is not set (write ${BYTESTORE_SHOW_TOKEN:-default} to give a default)");
  EXPECT_THAT(check_error, HasSubstr(show_error));
}

// A YAML mistake's message, from parsing `yaml`.
std::string yaml_error(const std::string& yaml) {
  try {
    Config::parse(yaml, "app.yaml");
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::config);
    return e.what();
  }
  ADD_FAILURE() << "parsed:\n" << yaml;
  return {};
}

TEST(YamlTraps, UnquotedVariableInAFlowMapSaysToQuoteIt) {
  EXPECT_EQ(yaml_error("stores:\n  s: { backend: sqlite, path: ${DIR}/x.db }\n"),
            "app.yaml:2:31: YAML syntax error: end of map flow not found; an unquoted ${...} inside "
            "{ } or [ ] is cut at its '{', which opens a mapping; quote the value: \"${DIR}/x.db\"");
  EXPECT_THAT(yaml_error("plugin_dirs: [${D}/p, x]\nstores: {s: {backend: memory}}\n"),
              HasSubstr("app.yaml:1:15: YAML syntax error: end of sequence flow not found; an unquoted "
                        "${...} inside { } or [ ] is cut at its '{', which opens a mapping; quote the "
                        "value: \"${D}/p\""));
  // Quoted, or in a comment, it is no trap; the hint names the one that is.
  EXPECT_THAT(yaml_error("# {${X}\nstores:\n  s: { backend: sqlite, path: '${DIR}/x.db', table: ${T} }\n"),
              HasSubstr("app.yaml:3:53: YAML syntax error: end of map flow not found; an unquoted "));
  EXPECT_EQ(yaml_error("stores:\n  s: {backend: memory}\n  t: {backend: memory\n"),
            "app.yaml:4:1: YAML syntax error: end of map flow not found");
}

TEST(YamlTraps, TabIndentationSaysToUseSpaces) {
  EXPECT_EQ(yaml_error("stores:\n  s:\n    backend: memory\n\tpage_size: 3\n"),
            "app.yaml:4:1: YAML syntax error: illegal tab when looking for indentation; line 4 is "
            "indented with a tab; YAML indents with spaces only, so replace the tab with spaces");
  EXPECT_THAT(yaml_error("stores:\n  s:\n   \tbackend: memory\n"),
              HasSubstr("app.yaml:3:4: YAML syntax error: "));
  EXPECT_THAT(yaml_error("stores:\n  s:\n   \tbackend: memory\n"),
              HasSubstr("; line 3 is indented with a tab; YAML indents with spaces only"));
}

TEST(CheckEveryStore, GoesOnPastBadStoresAndNamesEachOnItsOwnLine) {
  const config::ConfigDocument doc = config::parse_config(
      "stores:\n  a: {backend: memory}\n  b: {backend: memory}\n  c: {backend: memory}\n  d: {backend: memory}\n",
      "app.yaml", fs::current_path(), config::process_env());
  std::vector<std::string> checked;
  try {
    config::check_every_store(doc, [&](const config::StoreEntry& store) {
      checked.push_back(store.name);
      if (store.name == "b") config::fail(doc.source, store.mark, "store 'b': bad", Errc::plugin);
      if (store.name == "d") config::fail(doc.source, store.mark, "store 'd': worse");
    });
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::plugin);  // the first one's
    EXPECT_STREQ(e.what(), "app.yaml:3:3: store 'b': bad\napp.yaml:5:3: store 'd': worse");
  }
  EXPECT_EQ(checked, (std::vector<std::string>{"a", "b", "c", "d"}));
  EXPECT_NO_THROW(config::check_every_store(doc, [](const config::StoreEntry&) {}));
}

}  // namespace
}  // namespace bytestore
