// The corpus of malformed configs (config/tests/bad-configs): each fails
// `bytestore config check` with exit code 2 and one line naming
// file:line:column and what is wrong (its "# expect:" line), never a crash.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>

#include "subprocess.h"

namespace bytestore {
namespace {

namespace fs = std::filesystem;
using testing::Finished;
using testing::run_program;

const fs::path kCorpus = BYTESTORE_BAD_CONFIG_DIR;

// Asserts the one-line, located error the CLI must give for `file`.
void expect_located_error(const fs::path& file, const std::string& expected) {
  const Finished run = run_program({BYTESTORE_CLI_PATH, "-c", file.string(), "config", "check"}, {},
                                   {{"BYTESTORE_CORPUS_UNSET", ""}});
  EXPECT_EQ(run.exit_code, 2) << file << "\n" << run.err;
  EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << file << ": not one line:\n" << run.err;
  const std::regex located("bytestore: " + std::regex_replace(file.string(), std::regex(R"([.^$|()\[\]{}*+?\\])"), R"(\$&)") +
                           ":[0-9]+:[0-9]+: .*\n");
  EXPECT_TRUE(std::regex_match(run.err, located)) << file << ": not file:line:column:\n" << run.err;
  EXPECT_THAT(run.err, ::testing::HasSubstr(expected)) << file;
  EXPECT_EQ(run.out, "");
}

TEST(BadConfigs, EachFailsWithOneLocatedLine) {
  std::size_t checked = 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(kCorpus)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    std::ifstream in(file);
    std::string first;
    std::getline(in, first);
    ASSERT_TRUE(first.starts_with("# expect: ")) << file << " lacks its '# expect:' line";
    SCOPED_TRACE(file.filename().string());
    expect_located_error(file, first.substr(10));
    ++checked;
  }
  EXPECT_GE(checked, 40u);
}

class GeneratedBadConfigs : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("bytestore-bad-" + std::to_string(getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(GeneratedBadConfigs, HugeFile) {
  const fs::path file = dir_ / "huge.yaml";
  std::ofstream out(file);
  out << "stores:\n";
  for (int i = 0; out.tellp() < (5 << 20); ++i) out << "  s" << i << ": {backend: memory}\n";
  out.close();
  expect_located_error(file, "the limit is 4194304");
}

TEST_F(GeneratedBadConfigs, BinaryGarbage) {
  std::mt19937 random(7);
  for (int n = 0; n < 10; ++n) {
    const fs::path file = dir_ / ("garbage" + std::to_string(n) + ".yaml");
    std::string bytes(4096, '\0');
    for (char& c : bytes) c = static_cast<char>(random());
    std::ofstream(file, std::ios::binary) << bytes;
    const Finished run = run_program({BYTESTORE_CLI_PATH, "-c", file.string(), "config", "check"});
    EXPECT_EQ(run.exit_code, 2) << run.err;
    EXPECT_EQ(std::count(run.err.begin(), run.err.end(), '\n'), 1) << run.err;
    EXPECT_THAT(run.err, ::testing::StartsWith("bytestore: " + file.string() + ":"));
  }
}

TEST_F(GeneratedBadConfigs, MissingFileAndDirectory) {
  Finished run = run_program({BYTESTORE_CLI_PATH, "-c", (dir_ / "none.yaml").string(), "config", "check"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, ::testing::HasSubstr("none.yaml: cannot read config file: No such file or directory"));
  run = run_program({BYTESTORE_CLI_PATH, "-c", dir_.string(), "config", "check"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, ::testing::HasSubstr("is a directory, not a config file"));
}

}  // namespace
}  // namespace bytestore
