// What a newcomer meets at the command line: `config show` output that
// loads again, keys refused as usage errors, exit codes as documented, a
// warning for stores that end with the command, and `cp` stopping (or
// skipping) at a key the destination refuses.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "cli_fixture.h"

namespace bytestore {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// The output of `config show` after its first line (the "# where from"
// comment, which names the file shown).
std::string body(const std::string& shown) { return shown.substr(shown.find('\n') + 1); }

TEST_F(Cli, ConfigShowPrintsWhatLoadsAgainUnchangedForEveryBackend) {
  fs::create_directories(dir_ / "app");
  const std::string first = (dir_ / "app" / "bytestore.yaml").string();
  std::ofstream(first) << "default: lite\n"
                          "stores:\n"
                          "  mem: {backend: memory, max_key_bytes: 1KiB, page_size: 9}\n"
                          "  lite: {backend: sqlite, path: data/x.db, busy_timeout: 250ms, read_only: off}\n"
                          "  fast: {backend: lmdb, path: ./lmdb, map_size: 512MiB, sync: nometasync}\n"
                          "  cloud:\n"
                          "    backend: astra\n"
                          "    collection_name: docs\n"
                          "    api_endpoint: ${SHOW_ENDPOINT}\n"
                          "    token: ${SHOW_TOKEN}\n"
                          "    namespace: ks\n"
                          "    request_timeout: 1m\n"
                          "    password: written-in-the-file\n";
  const std::map<std::string, std::string> env = {{"SHOW_ENDPOINT", "http://127.0.0.1:8181"},
                                                  {"SHOW_TOKEN", "AstraCS:secret-value"}};
  const Finished shown = cli({"-c", first, "config", "show"}, {}, env);
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  for (const std::string line :
       {"max_key_bytes: 1KiB", "page_size: 9", "busy_timeout: 250ms", "read_only: false",
        "map_size: 512MiB", "sync: nometasync", "request_timeout: 1m", "busy_timeout: 250ms",
        "api_endpoint: http://127.0.0.1:8181", "max_value_bytes: 256MiB"})
    EXPECT_THAT(shown.out, HasSubstr("    " + line + "\n"));
  EXPECT_THAT(shown.out, HasSubstr("    path: " + (dir_ / "app" / "data" / "x.db").string() + "\n"));
  // Secrets: a ${VAR} as written, anything else redacted; never a value.
  EXPECT_THAT(shown.out, HasSubstr("    token: ${SHOW_TOKEN}\n"));
  EXPECT_THAT(shown.out, HasSubstr("    password: <redacted>\n"));
  EXPECT_THAT(shown.out, Not(HasSubstr("secret-value")));
  EXPECT_THAT(shown.out, Not(HasSubstr("written-in-the-file")));

  // Saved elsewhere and shown again: the same text.
  const std::string second = (dir_ / "shown.yaml").string();
  std::ofstream(second) << shown.out;
  const Finished again = cli({"-c", second, "config", "show"}, {}, env);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(body(again.out), body(shown.out));
  // Every store but the one with a redacted secret loads from it.
  for (const char* store : {"mem", "lite", "fast"}) {
    const Finished set = cli({"-c", second, "-s", store, "set", "k", "v"}, {}, env);
    EXPECT_EQ(set.exit_code, 0) << store << ": " << set.err;
  }
  const Finished redacted = cli({"-c", second, "-s", "cloud", "keys"}, {}, env);
  EXPECT_EQ(redacted.exit_code, 2);
  EXPECT_THAT(redacted.err, HasSubstr("store 'cloud': option 'password': is <redacted>, which `config "
                                      "show` prints in place of a secret"));
}

TEST_F(Cli, ConfigShowFailsOnAnUnsetVariableAsCheckDoes) {
  std::ofstream(config_) << "stores:\n  s:\n    backend: sqlite\n    path: ${SHOW_DIR}/x.db\n";
  const Finished show = cli({"config", "show"}, {}, {{"SHOW_DIR", ""}});
  EXPECT_EQ(show.exit_code, 2);
  EXPECT_EQ(show.out, "");
  EXPECT_EQ(show.err, "bytestore: " + config_ + ":4:11: store 's': option 'path': environment variable "
                      "SHOW_DIR is not set (write ${SHOW_DIR:-default} to give a default)\n");
  const Finished check = cli({"config", "check"}, {}, {{"SHOW_DIR", ""}});
  EXPECT_EQ(check.exit_code, 2);
  EXPECT_EQ(check.err, show.err);
}

TEST_F(Cli, YamlTrapsComeWithWhatToDo) {
  std::ofstream(config_) << "stores:\n  s: { backend: sqlite, path: ${DIR}/x.db }\n";
  Finished run = cli({"config", "check"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "bytestore: " + config_ + ":2:31: YAML syntax error: end of map flow not found; an "
                     "unquoted ${...} inside { } or [ ] is cut at its '{', which opens a mapping; quote "
                     "the value: \"${DIR}/x.db\"\n");
  std::ofstream(config_) << "stores:\n\ts:\n\t\tbackend: memory\n";
  run = cli({"keys"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_THAT(run.err, HasSubstr(":2:1: YAML syntax error: "));
  EXPECT_THAT(run.err, HasSubstr("; line 2 is indented with a tab; YAML indents with spaces only, so "
                                 "replace the tab with spaces\n"));
}

TEST_F(Cli, EmptyAndNonUtf8KeysAreUsageErrors) {
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"set", "", "v"}, {"get", ""}, {"get", "--json", "a", ""},
                                             {"del", "a", ""}}) {
    const Finished run = cli(args);
    EXPECT_EQ(run.exit_code, 2) << args[0];
    EXPECT_EQ(run.err, "bytestore: a key cannot be empty\n") << args[0];
  }
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"set", "bad\xff\x1b", "v"}, {"get", "bad\xff\x1b"}, {"del", "bad\xff\x1b"}}) {
    const Finished run = cli(args);
    EXPECT_EQ(run.exit_code, 2) << args[0];
    EXPECT_EQ(run.err, "bytestore: key 'bad\\xff\\x1b' is not valid UTF-8; keys are UTF-8 text\n")
        << args[0];
  }
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"keys", "--prefix", "p\xc3"}, {"cp", "--to", "other", "--prefix", "p\xc3"}}) {
    const Finished run = cli(args);
    EXPECT_EQ(run.exit_code, 2) << args[0];
    EXPECT_EQ(run.err, "bytestore: prefix 'p\\xc3' is not valid UTF-8; keys are UTF-8 text\n") << args[0];
  }
  EXPECT_EQ(cli({"keys"}).out, "");  // nothing was written
  // Control characters are valid UTF-8: stored, and escaped when reported.
  EXPECT_EQ(cli({"set", "esc\x1bkey", "v"}).exit_code, 0);
  const Finished missing = cli({"get", "gone\x1b[2J"});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "not found: gone\\x1b[2J\n");
}

TEST_F(Cli, GetJsonExitsOneWhenAnyKeyIsMissingAndListsThemAll) {
  cli({"set", "a", "1"});
  cli({"set", "b", "2"});
  Finished got = cli({"get", "--json", "a", "b"});
  EXPECT_EQ(got.exit_code, 0);
  got = cli({"get", "--json", "a", "nope", "b"});
  EXPECT_EQ(got.exit_code, 1);
  EXPECT_EQ(got.out, "{\"key\":\"a\",\"value\":\"MQ==\"}\n{\"key\":\"nope\",\"value\":null}\n"
                     "{\"key\":\"b\",\"value\":\"Mg==\"}\n");
  EXPECT_EQ(got.err, "");
}

TEST_F(Cli, AMemoryStoreWarnsThatItsDataEndsWithTheCommand) {
  const std::string warning =
      "bytestore: warning: store 'cloud' (memory) is not persistent; its data ends with this command\n";
  Finished run = cli({"-s", "cloud", "set", "k", "v"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_EQ(run.err, warning);
  run = cli({"-s", "cloud", "get", "k"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_EQ(run.err, warning + "not found: k\n");
  run = cli({"set", "k", "v"});  // a persistent store: no warning
  EXPECT_EQ(run.err, "");
  run = cli({"cp", "--to", "cloud"});
  EXPECT_EQ(run.exit_code, 0);
  EXPECT_THAT(run.err, HasSubstr(warning));
}

// The default store holds keys that fit it but not `cloud` (10-byte keys).
class CliCopyRefused : public Cli {
 protected:
  void SetUp() override {
    Cli::SetUp();
    for (const char* key : {"a", "b", "c-key-far-too-long\x1b", "d", "e-also-much-too-long", "f", "g"})
      ASSERT_EQ(cli({"set", key, std::string("value of ") + key}).exit_code, 0);
  }
};

TEST_F(CliCopyRefused, StopsAtTheRefusedKeyNamingItBothStoresAndTheCount) {
  const Finished run = cli({"cp", "--to", "cloud", "--batch", "2"});
  EXPECT_EQ(run.exit_code, 3);
  EXPECT_THAT(run.err, HasSubstr("bytestore: cp: store 'cloud' refused key 'c-key-far-too-long\\x1b' "
                                 "from 'main': key of 19 bytes exceeds its 10-byte key limit; copied 2 "
                                 "keys before it (--skip-invalid copies the rest)\n"));
  EXPECT_THAT(run.err, Not(HasSubstr("\x1b")));
}

TEST_F(CliCopyRefused, SkipInvalidCopiesTheRestAndNamesTheSkipped) {
  Finished run = cli({"cp", "--to", "cloud", "--skip-invalid", "--batch", "3"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("copied 5 keys"));
  EXPECT_THAT(run.err, HasSubstr("skipped 2 keys that 'cloud' refused: 'c-key-far-too-long\\x1b', "
                                 "'e-also-much-too-long' (the first because: key of 19 bytes exceeds its "
                                 "10-byte key limit)\n"));
  // A long key is cut in the summary; LMDB takes keys of 511 bytes at most.
  ASSERT_EQ(cli({"set", std::string(600, 'k'), "v"}).exit_code, 0);
  run = cli({"cp", "--to", "other", "--skip-invalid"});
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.err, HasSubstr("copied 7 keys"));
  EXPECT_THAT(run.err, HasSubstr("skipped 1 key that 'other' refused: '" + std::string(60, 'k') +
                                 "...' (600 bytes) (the first because: key of 600 bytes exceeds its "
                                 "511-byte key limit)\n"));
  EXPECT_EQ(cli({"-s", "other", "keys", "--count"}).out, "7\n");
}

}  // namespace
}  // namespace bytestore
