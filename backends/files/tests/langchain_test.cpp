// LangChain's LocalFileStore and this backend on one directory, both ways:
// a Python script that reads and writes exactly as that store does
// (langchain_local_file_store.py) against the files backend.
#include <gmock/gmock.h>
#include <sys/stat.h>

#include <sstream>

#include "files_scratch.h"
#include "subprocess.h"

namespace bytestore::files::testing {
namespace {

using bytestore::testing::run_program;

const std::string kScript = BYTESTORE_LANGCHAIN_FILE_STORE_SCRIPT;

using bytestore::testing::hex;
using bytestore::testing::lines_of;

// Runs the script; fails the test if it does not exit 0.
std::string langchain(const std::vector<std::string>& args, const std::string& input = {}) {
  std::vector<std::string> argv = {"/usr/bin/python3", kScript};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto run = run_program(argv, input);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out;
}

std::vector<KeyValue> sample_pairs() {
  std::vector<KeyValue> pairs;
  for (int i = 0; i < 50; ++i)
    pairs.emplace_back("emb/model-" + std::to_string(i % 3) + "/doc_" + std::to_string(i) + ".vec",
                       pattern_value(i, 10 + i * 37));
  pairs.emplace_back("top-level.key", std::string("\x00\x01\xfe\xff", 4));
  pairs.emplace_back("empty", "");
  return pairs;
}

mode_t mode_of(const fs::path& path) {
  struct stat st;
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 07777;
}

std::vector<std::string> keys_of(const std::vector<KeyValue>& pairs, std::string_view prefix = {}) {
  std::vector<std::string> keys;
  for (const auto& kv : pairs)
    if (kv.first.starts_with(prefix)) keys.push_back(kv.first);
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(LangChain, WhatLocalFileStoreWritesThisBackendReads) {
  ScratchDir dir;
  const std::string root = dir.file("root");
  const auto pairs = sample_pairs();
  std::string input;
  for (const auto& [key, value] : pairs) input += key + "\t" + hex(value) + "\n";
  langchain({root, "write"}, input);

  auto store = open_files(root);
  const std::vector<std::string> keys = keys_of(pairs);
  for (const auto& [key, value] : pairs) EXPECT_EQ(store->mget({key})[0], value) << key;
  EXPECT_EQ(sorted_keys(*store), keys);
  EXPECT_EQ(sorted_keys(*store, "emb/model-1/"), keys_of(pairs, "emb/model-1/"));
  // An exact prefix, where LangChain's listing by directory finds nothing
  // for a prefix that is not a directory.
  EXPECT_EQ(sorted_keys(*store, "emb/model-1/doc_1"), keys_of(pairs, "emb/model-1/doc_1"));
  // Deleting here is deleting there.
  store->mdelete({pairs[0].first, pairs[1].first});
  const auto read = lines_of(langchain({root, "read"}, pairs[0].first + "\n" + pairs[1].first + "\n" + pairs[2].first + "\n"));
  EXPECT_THAT(read, ::testing::ElementsAre(pairs[0].first + "\t-", pairs[1].first + "\t-",
                                           pairs[2].first + "\t" + hex(pairs[2].second)));
}

TEST(LangChain, WhatThisBackendWritesLocalFileStoreReads) {
  ScratchDir dir;
  const std::string root = dir.file("root");
  const auto pairs = sample_pairs();
  auto store = open_files(root);
  store->mset(pairs);
  std::string input;
  for (const auto& kv : pairs) input += kv.first + "\n";
  const auto read = lines_of(langchain({root, "read"}, input));
  ASSERT_EQ(read.size(), pairs.size());
  for (std::size_t i = 0; i < pairs.size(); ++i) EXPECT_EQ(read[i], pairs[i].first + "\t" + hex(pairs[i].second));
  // Its listing finds exactly these keys: no lock file, no temporaries,
  // nothing else of ours in the tree.
  std::vector<std::string> listed = lines_of(langchain({root, "list"}));
  std::sort(listed.begin(), listed.end());
  EXPECT_EQ(listed, keys_of(pairs));
  langchain({root, "delete"}, pairs[3].first + "\n");
  EXPECT_EQ(store->mget({pairs[3].first})[0], std::nullopt);
}

TEST(LangChain, ModesMatchChmodFileAndChmodDir) {
  ScratchDir dir;
  const std::string theirs = dir.file("theirs"), ours = dir.file("ours");
  std::filesystem::create_directories(theirs);
  langchain({theirs, "write", "640", "750"}, "a/b/c\t00\nd\t01\n");
  auto store = open_files(ours, "file_mode: '0640', dir_mode: '0750'");
  store->mset({{"a/b/c", std::string(1, '\0')}, {"d", "\x01"}});
  for (const char* path : {"a", "a/b", "a/b/c", "d"}) {
    EXPECT_EQ(mode_of(fs::path(ours) / path), mode_of(fs::path(theirs) / path)) << path;
  }
  EXPECT_EQ(mode_of(fs::path(ours) / "a/b/c"), 0640u);
  EXPECT_EQ(mode_of(fs::path(ours) / "a/b"), 0750u);
}

}  // namespace
}  // namespace bytestore::files::testing
