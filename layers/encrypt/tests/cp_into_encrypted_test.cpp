// `bytestore cp` from a plain store into a layered one, the documented way
// to compress and encrypt an existing store.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "scratch_dir.h"
#include "subprocess.h"

namespace bytestore {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CpIntoEncrypted, CopiesEveryKeyAndTheEngineSeesNoPlaintext) {
  const testing::ScratchDir dir;
  const std::string config_path = dir.file("bytestore.yaml");
  std::ofstream(config_path) << "stores:\n"
                                "  plain: { backend: sqlite, path: plain.db }\n"
                                "  secret:\n"
                                "    backend: sqlite\n"
                                "    path: secret.db\n"
                                "    layers:\n"
                                "      - { layer: compress }\n"
                                "      - { layer: encrypt, key: 'jKs29V5wjTdN1TSj1mgKsf7yvkQ+C4hIzj3xk9WRBqM=' }\n"
                                "  secret_raw: { backend: sqlite, path: secret.db }\n";
  const Config config = Config::load_file(config_path);
  std::vector<KeyValue> pairs;
  for (int i = 0; i < 1200; ++i)
    pairs.emplace_back("doc:" + std::to_string(i), "confidential record " + std::to_string(i) + std::string(i % 300, '.'));
  config.open("plain")->mset(pairs);  // closed again before cp opens it

  const testing::Finished cp =
      testing::run_program({BYTESTORE_CLI_PATH, "-c", config_path, "-s", "plain", "cp", "--to", "secret"});
  ASSERT_EQ(cp.exit_code, 0) << cp.err;

  auto secret = config.open("secret");
  auto raw = config.open("secret_raw");
  std::size_t listed = 0;
  for (const std::string& key : raw->yield_keys()) {
    (void)key;
    ++listed;
  }
  EXPECT_EQ(listed, pairs.size());
  for (const auto& [key, value] : pairs) {
    const auto stored = raw->mget({key})[0];
    ASSERT_TRUE(stored.has_value()) << key;
    EXPECT_THAT(*stored, Not(HasSubstr("confidential"))) << key;
    EXPECT_EQ(secret->mget({key})[0], value);
  }
}

}  // namespace
}  // namespace bytestore
