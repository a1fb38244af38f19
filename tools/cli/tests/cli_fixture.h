// The fixture of the CLI tests: a scratch directory with a config of a
// SQLite, an LMDB and a memory store, and the built `bytestore` run on it
// as a subprocess.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "subprocess.h"

namespace bytestore {

namespace fs = std::filesystem;
using testing::Finished;
using testing::run_program;

inline const std::string kCli = BYTESTORE_CLI_PATH;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("bytestore-cli-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_ = (dir_ / "stores.yaml").string();
    std::ofstream(config_) << "default: main\nstores:\n"
                              "  main: {backend: sqlite, path: '" << (dir_ / "main.db").string() << "'}\n"
                              "  other: {backend: lmdb, path: '" << (dir_ / "lmdb").string() << "'}\n"
                              "  cloud: {backend: memory, max_key_bytes: 10}\n";
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Runs the CLI with this test's config, and a HOME of its own so the
  // embedded default never touches the real one.
  Finished cli(std::vector<std::string> args, const std::string& input = {},
               std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), kCli);
    env.emplace("HOME", dir_.string());
    env.emplace("XDG_DATA_HOME", "");
    env.emplace("BYTESTORE_CONFIG", config_);
    return run_program(args, input, env);
  }

  fs::path dir_;
  std::string config_;
};

}  // namespace bytestore
