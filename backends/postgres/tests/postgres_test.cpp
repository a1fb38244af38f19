// The postgres backend against a real server (one for the whole program,
// tests/support/local_postgres.h): the primary key serves prefix listings,
// writes survive a server restart, credentials and timeouts fail as
// promised, and no password reaches a message.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <libpq-fe.h>

#include <atomic>
#include <memory>
#include <thread>

#include "local_postgres.h"

namespace bytestore::postgres {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using bytestore::testing::LocalPostgres;

LocalPostgres* server = nullptr;

class Server : public ::testing::Environment {
 public:
  void SetUp() override { server = new LocalPostgres(); }
  void TearDown() override {
    delete server;
    server = nullptr;
  }
};

std::unique_ptr<ByteStore> open_table(const std::string& table, const std::string& extra = {}) {
  return open_yaml("stores: {s: {backend: postgres, url: '" + server->url() + "', password: '" +
                   LocalPostgres::kPassword + "', table: " + table + (extra.empty() ? "" : ", " + extra) +
                   "}}\ndefault: s\n");
}

// A libpq connection of the test's own, for what the store does not say.
struct Raw {
  Raw() : conn(PQconnectdb(server->url_with_password().c_str())) {
    EXPECT_EQ(PQstatus(conn), CONNECTION_OK) << PQerrorMessage(conn);
  }
  ~Raw() { PQfinish(conn); }
  std::string text(const std::string& sql) {
    PGresult* r = PQexec(conn, sql.c_str());
    std::string out;
    for (int row = 0; row < PQntuples(r); ++row) out += std::string(PQgetvalue(r, row, 0)) + "\n";
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK)
      ADD_FAILURE() << sql << ": " << PQresultErrorMessage(r);
    PQclear(r);
    return out;
  }
  PGconn* conn;
};

Error error_of(const std::function<void()>& call) {
  try {
    call();
  } catch (const Error& e) {
    return e;
  }
  ADD_FAILURE() << "no error";
  return Error(Errc::internal, "");
}

TEST(Postgres, PrefixListingIsARangeScanOfThePrimaryKey) {
  auto store = open_table("explained");
  std::vector<KeyValue> batch;
  for (int i = 0; i < 100'000; ++i) {
    batch.emplace_back("doc/" + std::to_string(i % 100) + "/" + std::to_string(i), "v");
    if (batch.size() == 10'000) {
      store->mset(batch);
      batch.clear();
    }
  }
  Raw raw;
  raw.text("ANALYZE explained");
  // The statement a listing page runs, as prepared on the store's connections.
  const std::string plan = raw.text(
      "EXPLAIN SELECT key FROM \"explained\" WHERE key >= '\\x646f632f372f'::bytea AND key < "
      "'\\x646f632f372f'::bytea || '\\xff'::bytea ORDER BY key LIMIT 1000");
  EXPECT_THAT(plan, HasSubstr("explained_pkey"));
  EXPECT_THAT(plan, Not(HasSubstr("Seq Scan")));
  std::size_t listed = 0;
  for (const std::string& key : store->yield_keys("doc/7/")) listed += key.starts_with("doc/7/");
  EXPECT_EQ(listed, 1000u);
  // A prefix holding LIKE's wildcards matches them literally.
  store->mset({{"a%b", "1"}, {"a_c", "2"}, {"axb", "3"}});
  std::vector<std::string> keys;
  for (const std::string& key : store->yield_keys("a%")) keys.push_back(key);
  EXPECT_THAT(keys, ::testing::ElementsAre("a%b"));
}

TEST(Postgres, WritesGoOnAcrossAServerRestartAndNoneAcknowledgedIsLost) {
  auto store = open_table("restarted", "max_retries: 12");
  std::atomic<int> acknowledged{-1};
  std::atomic<bool> stop{false};
  std::string failure;
  std::thread writer([&] {
    try {
      for (int batch = 0; !stop; ++batch) {
        std::vector<KeyValue> pairs;
        for (int k = 0; k < 20; ++k) pairs.emplace_back("b" + std::to_string(batch) + "/" + std::to_string(k), std::to_string(batch));
        store->mset(pairs);
        acknowledged = batch;
      }
    } catch (const std::exception& e) {
      failure = e.what();
    }
  });
  while (acknowledged < 20) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  server->stop();
  server->start();
  const int after_restart = acknowledged;
  while (acknowledged < after_restart + 20 && failure.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  stop = true;
  writer.join();
  EXPECT_EQ(failure, "");
  const int last = acknowledged;
  std::printf("%d batches acknowledged across the restart (%d before it)\n", last + 1, after_restart + 1);
  for (int batch = 0; batch <= last; ++batch) {
    std::vector<std::string> keys;
    for (int k = 0; k < 20; ++k) keys.push_back("b" + std::to_string(batch) + "/" + std::to_string(k));
    for (const auto& value : store->mget(keys)) ASSERT_EQ(value, std::to_string(batch)) << "batch " << batch;
  }
}

TEST(Postgres, AWrongPasswordIsUnauthorizedAndNeverShown) {
  const std::string wrong = "not-the-password-93ab";
  const Error e = error_of([&] {
    open_yaml("stores: {s: {backend: postgres, url: 'postgresql://" + std::string(LocalPostgres::kUser) + ":" + wrong +
              "@127.0.0.1:" + std::to_string(server->port()) + "/postgres'}}\n", "s");
  });
  EXPECT_EQ(e.code(), Errc::unauthorized) << e.what();
  EXPECT_THAT(e.what(), HasSubstr("127.0.0.1:" + std::to_string(server->port())));
  EXPECT_THAT(e.what(), Not(HasSubstr(wrong)));
  const Error in_option = error_of([&] {
    open_yaml("stores: {s: {backend: postgres, url: '" + server->url() + "', password: '" + wrong + "'}}\n", "s");
  });
  EXPECT_EQ(in_option.code(), Errc::unauthorized);
  EXPECT_THAT(in_option.what(), Not(HasSubstr(wrong)));
}

TEST(Postgres, AStatementPastStatementTimeoutIsUnavailableSayingSo) {
  auto store = open_table("locked", "statement_timeout: 300ms, max_retries: 0");
  store->mset({{"k", "v"}});
  Raw raw;
  raw.text("BEGIN");
  raw.text("LOCK TABLE locked IN ACCESS EXCLUSIVE MODE");
  const Error e = error_of([&] { store->mget({"k"}); });
  raw.text("ROLLBACK");
  EXPECT_EQ(e.code(), Errc::unavailable) << e.what();
  EXPECT_THAT(e.what(), HasSubstr("statement_timeout"));
  EXPECT_EQ(store->mget({"k"})[0], "v");
}

TEST(Postgres, SetupModeOffNeverCreatesTheTable) {
  const Error e = error_of([&] { open_table("never_made", "setup_mode: off"); });
  EXPECT_EQ(e.code(), Errc::config) << e.what();
  EXPECT_THAT(e.what(), HasSubstr("\"never_made\" does not exist"));
  Raw raw;
  EXPECT_EQ(raw.text("SELECT count(*) FROM pg_tables WHERE tablename = 'never_made'"), "0\n");
  open_table("made_first");
  EXPECT_EQ(open_table("made_first", "setup_mode: off")->mget({"x"})[0], std::nullopt);
}

TEST(Postgres, EveryBatchIsOneTransaction) {
  auto store = open_table("atomic");
  // The second pair's key is past the limit: nothing of the call is written.
  EXPECT_EQ(error_of([&] { store->mset({{"ok", "1"}, {std::string(3000, 'k'), "2"}}); }).code(), Errc::limit_exceeded);
  EXPECT_EQ(store->mget({"ok"})[0], std::nullopt);
  // A repeated key ends with its last value, in one statement.
  store->mset({{"r", "1"}, {"s", "x"}, {"r", "2"}});
  EXPECT_EQ(store->mget({"r", "s", "r"}), (std::vector<std::optional<Bytes>>{"2", "x", "2"}));
}

}  // namespace
}  // namespace bytestore::postgres

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new bytestore::postgres::Server);
  return RUN_ALL_TESTS();
}
