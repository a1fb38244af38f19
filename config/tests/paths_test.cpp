// Path options: "~" from $HOME, relative paths from the config file's
// directory (not the working directory), and config text with no file
// keeping the working directory.
#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "option_binding.h"
#include "scratch_dir.h"

namespace bytestore::config {
namespace {

namespace fs = std::filesystem;
using testing::ScratchDir;

EnvLookup home_is(std::optional<std::string> home) {
  return [home](const std::string& name) -> std::optional<std::string> {
    return name == "HOME" ? home : std::nullopt;
  };
}

TEST(PathOptions, RelativeToTheBaseTildeFromHome) {
  const fs::path base = "/srv/app";
  const auto env = home_is("/home/ann");
  EXPECT_EQ(resolve_path("data/x.db", base, env), "/srv/app/data/x.db");
  EXPECT_EQ(resolve_path("../shared/x.db", base, env), "/srv/shared/x.db");
  EXPECT_EQ(resolve_path("/var/lib/x.db", base, env), "/var/lib/x.db");
  EXPECT_EQ(resolve_path("~", base, env), "/home/ann");
  EXPECT_EQ(resolve_path("~/cache/x.db", base, env), "/home/ann/cache/x.db");
  EXPECT_EQ(resolve_path(":memory:", base, env), ":memory:");
  EXPECT_EQ(resolve_path("", base, env), "");
  // No file, no base: the working directory's relative path is kept.
  EXPECT_EQ(resolve_path("data/x.db", std::nullopt, env), "data/x.db");
  EXPECT_EQ(resolve_path("~/x.db", std::nullopt, env), "/home/ann/x.db");
  EXPECT_THROW(resolve_path("~/x.db", base, home_is(std::nullopt)), std::invalid_argument);
}

// Runs the test from another directory, as `bytestore -c ../app/x.yaml`.
class InAnotherDirectory : public ::testing::Test {
 protected:
  void SetUp() override {
    previous_ = fs::current_path();
    fs::create_directories(elsewhere_.path());
    fs::current_path(elsewhere_.path());
  }
  void TearDown() override { fs::current_path(previous_); }

  ScratchDir app_{"bytestore-app"};
  ScratchDir elsewhere_{"bytestore-cwd"};
  fs::path previous_;
};

TEST_F(InAnotherDirectory, FileConfigPathsFollowTheFile) {
  {
    std::ofstream(app_.file("bytestore.yaml")) << "stores:\n  s: { backend: sqlite, path: data/s.db }\n";
  }
  auto store = Config::load_file(app_.file("bytestore.yaml")).open("s");
  store->mset({{"k", "v"}});
  EXPECT_TRUE(fs::exists(app_.path() / "data" / "s.db"));
  EXPECT_FALSE(fs::exists(elsewhere_.path() / "data"));
  // Opened again through a relative config path, from yet another place.
  fs::current_path(app_.path() / "data");
  EXPECT_EQ(Config::load_file("../bytestore.yaml").open("s")->mget({"k"})[0], "v");
}

TEST_F(InAnotherDirectory, ConfigTextWithoutAFileKeepsTheWorkingDirectory) {
  auto store = open_yaml("stores:\n  s: { backend: sqlite, path: data/s.db }\n", "s");
  store->mset({{"k", "v"}});
  EXPECT_TRUE(fs::exists(elsewhere_.path() / "data" / "s.db"));
}

TEST_F(InAnotherDirectory, TildeIsTheHomeDirectory) {
  const char* saved = getenv("HOME");
  const std::string home_before = saved ? saved : "";
  setenv("HOME", app_.path().c_str(), 1);
  {
    std::ofstream(elsewhere_.file("c.yaml")) << "stores:\n  s: { backend: sqlite, path: ~/h.db }\n";
  }
  Config::load_file(elsewhere_.file("c.yaml")).open("s")->mset({{"k", "v"}});
  if (saved) setenv("HOME", home_before.c_str(), 1); else unsetenv("HOME");
  EXPECT_TRUE(fs::exists(app_.path() / "h.db"));
}

}  // namespace
}  // namespace bytestore::config
