#include "interpolate.h"
#include "nearest_name.h"

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>

namespace bytestore::config {
namespace {

EnvLookup fake_env(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(Interpolate, ReplacesVariablesAndDefaults) {
  const EnvLookup env = fake_env({{"HOST", "db.example"}, {"EMPTY", ""}});
  EXPECT_EQ(interpolate("https://${HOST}:8181", env), "https://db.example:8181");
  EXPECT_EQ(interpolate("${MISSING:-fallback}", env), "fallback");
  EXPECT_EQ(interpolate("${EMPTY:-fallback}", env), "fallback");
  EXPECT_EQ(interpolate("${HOST:-x}", env), "db.example");
  EXPECT_EQ(interpolate("${MISSING:-}", env), "");
  EXPECT_EQ(interpolate("cost $$5 and $HOME", env), "cost $5 and $HOME");
  bool replaced = false;
  interpolate("plain", env, &replaced);
  EXPECT_FALSE(replaced);
  interpolate("${HOST}", env, &replaced);
  EXPECT_TRUE(replaced);
}

TEST(Interpolate, UnsetVariableIsAnErrorNamingIt) {
  try {
    interpolate("${ASTRA_DB_APPLICATION_TOKEN}", fake_env({}));
    FAIL();
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "environment variable ASTRA_DB_APPLICATION_TOKEN is not set (write "
                 "${ASTRA_DB_APPLICATION_TOKEN:-default} to give a default)");
  }
  EXPECT_THROW(interpolate("${UNCLOSED", fake_env({})), std::invalid_argument);
  EXPECT_THROW(interpolate("${1BAD}", fake_env({})), std::invalid_argument);
  EXPECT_THROW(interpolate("${}", fake_env({})), std::invalid_argument);
}

TEST(NearestName, SuggestsOnlyPlausibleMisspellings) {
  const std::vector<std::string> names = {"token", "namespace", "collection_name", "api_endpoint"};
  EXPECT_EQ(nearest_name("tokn", names), "token");
  EXPECT_EQ(nearest_name("Namespace", names), "namespace");
  EXPECT_EQ(nearest_name("colection_name", names), "collection_name");
  EXPECT_EQ(nearest_name("xyz", names), "");
  EXPECT_EQ(did_you_mean("api_endpont", names), " (did you mean 'api_endpoint'?)");
}

}  // namespace
}  // namespace bytestore::config
