// The retry layer over a store that fails: the astra backend (its own
// retries off) against the local Data API server with scheduled 503s.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "local_data_api_server.h"

namespace bytestore {
namespace {

using ::testing::HasSubstr;
using testing::LocalDataApiServer;

class RetryLayer : public ::testing::Test {
 protected:
  std::unique_ptr<ByteStore> open(const std::string& retry_options,
                                  const std::string& token = LocalDataApiServer::kToken) {
    return open_yaml("stores:\n  s:\n    backend: astra\n    api_endpoint: " + server_.endpoint() +
                         "\n    token: '" + token + "'\n    setup_mode: off\n"
                         "    keyspace: default_keyspace\n    collection_name: bytes\n"
                         "    max_retries: 0\n    layers:\n      - { layer: retry, " + retry_options + " }\n",
                     "s");
  }
  std::uint64_t requests() const { return server_.stats().at("total").to_number<std::uint64_t>(); }

  LocalDataApiServer server_{BYTESTORE_DATA_API_SERVER};
};

TEST_F(RetryLayer, UnavailableCallsAreRetriedUntilTheyWork) {
  open_yaml("stores:\n  s:\n    backend: astra\n    api_endpoint: " + server_.endpoint() + "\n    token: '" +
                LocalDataApiServer::kToken + "'\n    keyspace: default_keyspace\n    collection_name: bytes\n",
            "s");  // creates the collection
  auto store = open("max_retries: 3, base_delay: 1ms");
  for (const char* op : {"mset", "mget", "mdelete", "keys"}) {
    server_.configure({{"fault", "503"}, {"next", 2}});
    server_.reset_stats();
    const std::string what = op;
    if (what == "mset") store->mset({{"k", "v"}});
    if (what == "mget") {
      EXPECT_EQ(store->mget({"k"})[0], "v");
    }
    if (what == "keys") {
      std::size_t listed = 0;
      for (const std::string& key : store->yield_keys()) listed += key == "k";
      EXPECT_EQ(listed, 0u);  // deleted just before
    }
    if (what == "mdelete") store->mdelete({"k"});
    EXPECT_EQ(requests(), 3u) << op << ": two refused, the third answered";
  }
}

TEST_F(RetryLayer, BeyondMaxRetriesTheFailureComesThrough) {
  auto store = open("max_retries: 1, base_delay: 1ms");  // setup_mode off: nothing sent yet
  server_.configure({{"fault", "503"}, {"next", 5}});
  server_.reset_stats();
  try {
    store->mset({{"k", "v"}});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unavailable);
    EXPECT_THAT(e.what(), HasSubstr("store 's' (astra): insertMany"));
  }
  EXPECT_EQ(requests(), 2u);  // the first attempt and one retry
}

TEST_F(RetryLayer, OtherFailuresAreNotRetried) {
  auto store = open("max_retries: 5, base_delay: 1ms", "AstraCS:wrong");
  server_.reset_stats();
  try {
    store->mget({"k"});
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::unauthorized);
  }
  EXPECT_EQ(requests(), 1u);
}

TEST_F(RetryLayer, OptionsAreChecked) {
  for (const char* bad : {"max_retries: 101", "base_delay: 0ms", "base_delay: 2s, max_delay: 1s"}) {
    try {
      open(bad);
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::config) << bad;
    }
  }
}

}  // namespace
}  // namespace bytestore
