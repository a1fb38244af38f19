// Where keys land on disk: LangChain's keys at exactly root/KEY, every other
// key under its escaped names, and nothing ever outside the root.
#include <gmock/gmock.h>
#include <fcntl.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "files_scratch.h"

namespace bytestore::files::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(Layout, LangChainKeysAreFilesAtTheirOwnPath) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  auto store = open_files(root.string());
  store->mset({{"emb/model-1/abc_DEF.0", std::string("\x00\xff raw", 6)}, {"top", "t"}});
  EXPECT_EQ(read_file(root / "emb/model-1/abc_DEF.0"), std::string("\x00\xff raw", 6));
  EXPECT_EQ(read_file(root / "top"), "t");
  EXPECT_THAT(tree_of(root), ElementsAre("emb", "emb/model-1", "emb/model-1/abc_DEF.0", "top"));
}

TEST(Layout, EveryOtherKeyIsStoredEscapedAndListedBack) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  auto store = open_files(root.string());
  const std::vector<std::string> keys = {
      "with space", "naïve/ключ", std::string("nul\0byte", 8), "a//b", "./dot", "../up", "..",
      ".", "/absolute", "trailing/", "100%", "%=", "%~tmp.1.x.1", "a\\b", "*?[", "a/b/../../../etc"};
  std::vector<KeyValue> pairs;
  for (std::size_t i = 0; i < keys.size(); ++i) pairs.emplace_back(keys[i], "v" + std::to_string(i));
  store->mset(pairs);
  const auto values = store->mget(keys);
  for (std::size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(values[i], "v" + std::to_string(i)) << keys[i];
  std::vector<std::string> expected = keys;
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(sorted_keys(*store), expected);
  // Every name on disk is one LangChain could never make (it holds '%'),
  // so the two kinds of key never meet.
  EXPECT_TRUE(fs::exists(root / "%with%20space"));
  EXPECT_TRUE(fs::exists(root / "a" / "%" / "b"));
  EXPECT_TRUE(fs::exists(root / "%.."));
  EXPECT_TRUE(fs::exists(root / "%" / "absolute"));
  // Nothing went outside the root; deleting every key leaves it empty.
  EXPECT_THAT(tree_of(dir.path()), ::testing::Each(::testing::StartsWith("root")));
  store->mdelete(keys);
  EXPECT_THAT(tree_of(root), ElementsAre());
}

TEST(Layout, KeyAndItsDirectoryCoexistInEitherOrder) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  auto store = open_files(root.string());
  store->mset({{"a", "file first"}});
  store->mset({{"a/b", "under it"}});  // a becomes a directory; its value moves inside
  EXPECT_EQ(read_file(root / "a" / "%="), "file first");
  store->mset({{"c/d", "directory first"}, {"c", "then the file"}});
  EXPECT_EQ(read_file(root / "c" / "%="), "then the file");
  EXPECT_THAT(store->mget({"a", "a/b", "c", "c/d"}),
              ElementsAre("file first", "under it", "then the file", "directory first"));
  EXPECT_THAT(sorted_keys(*store), ElementsAre("a", "a/b", "c", "c/d"));
  EXPECT_THAT(sorted_keys(*store, "a"), ElementsAre("a", "a/b"));
  EXPECT_THAT(sorted_keys(*store, "a/"), ElementsAre("a/b"));
  store->mset({{"a", "overwritten"}});
  EXPECT_EQ(store->mget({"a"})[0], "overwritten");
  // Deleting what lies under a key, then compacting, makes it a plain
  // file again, where LangChain finds it.
  store->mdelete({"a/b", "c"});
  EXPECT_EQ(store->mget({"a"})[0], "overwritten");
  EXPECT_EQ(store->mget({"c"})[0], std::nullopt);
  store->compact();
  EXPECT_EQ(read_file(root / "a"), "overwritten");
  EXPECT_THAT(tree_of(root), ElementsAre("a", "c", "c/d"));
}

TEST(Layout, SegmentsLongerThanAFileNameAreCutIntoDirectories) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  auto store = open_files(root.string());
  const std::string long_plain(1000, 'k');
  const std::string long_escaped = std::string(300, ' ') + "/" + std::string(200, '\x01');
  const std::string longest(store->capabilities().max_key_bytes, 'x');
  store->mset({{long_plain, "1"}, {long_escaped, "2"}, {longest, "3"}, {long_plain + "/x", "4"}});
  EXPECT_THAT(store->mget({long_plain, long_escaped, longest, long_plain + "/x"}),
              ElementsAre("1", "2", "3", "4"));
  for (const std::string& path : tree_of(root))
    EXPECT_LE(fs::path(path).filename().string().size(), 255u) << path;
  EXPECT_THAT(sorted_keys(*store, std::string(999, 'k')), ElementsAre(long_plain, long_plain + "/x"));
  EXPECT_EQ(store->capabilities().max_key_bytes, 1024u);
  store->mdelete({long_plain, long_escaped, longest, long_plain + "/x"});
  EXPECT_THAT(tree_of(root), ElementsAre());
}

TEST(Layout, ListingIsAnExactBytePrefixNotADirectory) {
  ScratchDir dir;
  auto store = open_files(dir.file("root"), "page_size: 2");
  store->mset({{"key1", "1"}, {"key2/x", "2"}, {"kex", "3"}, {"k", "4"}, {"other/key1", "5"},
               {"ke y", "6"}, {"key%", "7"}});
  EXPECT_THAT(sorted_keys(*store, "ke"), ElementsAre("ke y", "kex", "key%", "key1", "key2/x"));
  EXPECT_THAT(sorted_keys(*store, "key2/"), ElementsAre("key2/x"));
  EXPECT_THAT(sorted_keys(*store, "key2/x"), ElementsAre("key2/x"));
  EXPECT_THAT(sorted_keys(*store, "key%"), ElementsAre("key%"));
  EXPECT_THAT(sorted_keys(*store, "nothing/here/"), ElementsAre());
  EXPECT_EQ(sorted_keys(*store).size(), 7u);
}

TEST(Layout, DeletesRemoveTheDirectoriesTheyLeaveEmpty) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  auto store = open_files(root.string());
  store->mset({{"a/b/c/d", "1"}, {"a/b/e", "2"}, {"a/x y/z", "3"}});
  store->mdelete({"a/b/c/d"});
  EXPECT_THAT(tree_of(root), ElementsAre("a", "a/%x%20y", "a/%x%20y/z", "a/b", "a/b/e"));
  store->mdelete({"a/b/e", "a/x y/z", "never/there"});
  EXPECT_THAT(tree_of(root), ElementsAre());
  EXPECT_TRUE(fs::is_directory(root));
}

TEST(Layout, ForeignFilesAreNeverKeys) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  auto store = open_files(root.string());
  fs::create_directories(root / "d");
  // Not names a key has ("%41" spells "A", whose name is "A"; hex is
  // upper-case; "%" alone would be the empty key), and a foreign "%=" in a
  // directory of no key.
  for (const char* name : {"%41", "%zz", "%", "bad name", "%+", "%2f", "%+x/%="}) {
    fs::create_directories((root / name).parent_path());
    std::ofstream(root / name) << "foreign";
  }
  EXPECT_THAT(sorted_keys(*store), ElementsAre());
  EXPECT_EQ(store->mget({"A"})[0], std::nullopt);
}

TEST(Layout, NoKeyReachesOutsideTheRoot) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  fs::create_directories(dir.path() / "outside");
  std::ofstream(dir.path() / "outside" / "secret") << "secret";
  auto store = open_files(root.string());
  for (const std::string key : {"../outside/secret", "/../outside/secret", "a/../../outside/secret",
                                "..%2Foutside%2Fsecret", "..\\outside\\secret"}) {
    EXPECT_EQ(store->mget({key})[0], std::nullopt) << key;
    store->mset({{key, "overwritten?"}});
    store->mdelete({key});
  }
  EXPECT_EQ(read_file(dir.path() / "outside" / "secret"), "secret");
  EXPECT_THAT(tree_of(dir.path() / "outside"), ElementsAre("secret"));
  EXPECT_THAT(tree_of(root), ElementsAre());
}

TEST(Layout, PlantedSymbolicLinksAreNeverFollowed) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  const fs::path outside = dir.path() / "outside";
  fs::create_directories(outside);
  std::ofstream(outside / "secret") << "secret";
  auto store = open_files(root.string());
  fs::create_directory_symlink(outside, root / "dirlink");
  fs::create_symlink(outside / "secret", root / "filelink");

  std::string message = EXPECT_ERRC(store->mget({"dirlink/secret"}), Errc::io);
  EXPECT_THAT(message, HasSubstr((root / "dirlink").string()));
  EXPECT_THAT(message, HasSubstr("symbolic link"));
  message = EXPECT_ERRC(store->mget({"filelink"}), Errc::io);
  EXPECT_THAT(message, HasSubstr((root / "filelink").string()));
  message = EXPECT_ERRC(store->mset({{"dirlink/new", "x"}}), Errc::io);
  EXPECT_THAT(message, HasSubstr((root / "dirlink").string()));
  message = EXPECT_ERRC(store->mdelete({"dirlink/secret"}), Errc::io);
  message = EXPECT_ERRC(sorted_keys(*store), Errc::io);
  EXPECT_THAT(message, HasSubstr("symbolic link"));
  // Nothing outside changed; a key of the link's own name replaces the
  // link, not what it points at.
  store->mset({{"filelink", "mine"}});
  EXPECT_EQ(read_file(outside / "secret"), "secret");
  EXPECT_THAT(tree_of(outside), ElementsAre("secret"));
  EXPECT_FALSE(fs::is_symlink(root / "filelink"));
  EXPECT_EQ(store->mget({"filelink"})[0], "mine");
  // A listing that cannot reach the link does not trip on it.
  store->mset({{"else/k", "1"}});
  EXPECT_THAT(sorted_keys(*store, "else/"), ElementsAre("else/k"));
}

TEST(Layout, ModesAreThoseAsked) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  auto store = open_files(root.string(), "file_mode: '0640', dir_mode: '0750'");
  store->mset({{"d/e/f", "x"}, {"g", "y"}});
  auto mode_of = [](const fs::path& path) {
    struct stat st;
    EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
    return st.st_mode & 07777;
  };
  EXPECT_EQ(mode_of(root / "d/e/f"), 0640u);
  EXPECT_EQ(mode_of(root / "g"), 0640u);
  EXPECT_EQ(mode_of(root / "d"), 0750u);
  EXPECT_EQ(mode_of(root / "d/e"), 0750u);
  EXPECT_EQ(mode_of(root), 0750u);  // created by the store too
  EXPECT_THAT(EXPECT_ERRC(open_files(root.string(), "file_mode: '0900'"), Errc::config),
              HasSubstr("file_mode"));
  EXPECT_THAT(EXPECT_ERRC(open_files(root.string(), "dir_mode: rwx"), Errc::config), HasSubstr("dir_mode"));
}

TEST(Layout, UpdateAtimeTouchesOnlyTheAccessTime) {
  ScratchDir dir;
  const fs::path root = dir.file("root");
  auto touching = open_files(root.string(), "update_atime: true");
  touching->mset({{"k", "v"}});
  // An hour since the last read, two since the write: recent enough that
  // relatime would not touch it on its own.
  const time_t now = ::time(nullptr);
  const timespec old_times[2] = {{now - 3600, 0}, {now - 7200, 0}};
  ASSERT_EQ(::utimensat(AT_FDCWD, (root / "k").c_str(), old_times, 0), 0);
  EXPECT_EQ(touching->mget({"k"})[0], "v");
  struct stat st;
  ASSERT_EQ(::stat((root / "k").c_str(), &st), 0);
  EXPECT_GE(st.st_atim.tv_sec, now - 5);
  EXPECT_EQ(st.st_mtim.tv_sec, now - 7200);
}

}  // namespace
}  // namespace bytestore::files::testing
