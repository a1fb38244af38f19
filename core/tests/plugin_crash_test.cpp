// A plugin that crashes takes the process down, but the crash reporter
// says which plugin and which call it was.
#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <signal.h>

namespace bytestore {
namespace {

TEST(PluginCrash, ReporterNamesThePluginAndTheCall) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");  // the executor has threads
  const std::string yaml = "plugin_dirs: [" BYTESTORE_TEST_PLUGIN_DIR "]\nstores: {s: {backend: crashing}}\n";
  EXPECT_EXIT(
      {
        install_crash_reporter();
        open_yaml(yaml, "s");
      },
      ::testing::KilledBySignal(SIGSEGV),
      "bytestore: fatal signal SIGSEGV in plugin 'crashing' \\(" BYTESTORE_TEST_PLUGIN_DIR
      "/bytestore-crashing.so\\) during open");
}

// Its table ends before the optional members: check must not call them.
TEST(PluginCrash, ConfigCheckOfAShortTableCallsNothingOptional) {
  const std::string yaml = "plugin_dirs: [" BYTESTORE_TEST_PLUGIN_DIR "]\nstores: {s: {backend: crashing}}\n";
  EXPECT_NO_THROW(Config::parse(yaml).check());
}

TEST(PluginCrash, CrashesOutsidePluginsAreLeftAlone) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        install_crash_reporter();
        raise(SIGABRT);
      },
      ::testing::KilledBySignal(SIGABRT), "^$");
}

}  // namespace
}  // namespace bytestore
