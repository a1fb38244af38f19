// The postgres backend against a real server (one for the whole program,
// tests/support/local_postgres.h): the primary key serves prefix listings,
// writes survive a server restart, credentials and timeouts fail as
// promised, and no password reaches a message.
#include <bytestore/bytestore.hpp>
#include <gmock/gmock.h>
#include <libpq-fe.h>
#include <stdlib.h>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <atomic>
#include <future>
#include <sstream>
#include <memory>
#include <thread>

#include "killed_writer.h"
#include "local_data_api_server.h"
#include "local_postgres.h"
#include "subprocess.h"
#include "test_values.h"

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

TEST(Postgres, ManyAsyncCallsOnTwoConnectionsRideOutARestart) {
  auto store = open_table("async", "connections: 2, max_retries: 12");
  EXPECT_TRUE(store->capabilities().native_async);
  std::vector<std::future<void>> writes;
  for (int i = 0; i < 400; ++i) {
    writes.push_back(store->amset({{"a/" + std::to_string(i), std::to_string(i)}}));
    if (i == 200) {
      server->stop();
      server->start();
    }
  }
  for (auto& w : writes) w.get();
  std::vector<std::string> keys;
  for (int i = 0; i < 400; ++i) keys.push_back("a/" + std::to_string(i));
  const auto values = store->amget(keys).get();
  for (int i = 0; i < 400; ++i) ASSERT_EQ(values[static_cast<std::size_t>(i)], std::to_string(i));
  store->amdelete(keys).get();
  EXPECT_EQ(store->mget({"a/0"})[0], std::nullopt);
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

TEST(Postgres, DatabaseUrlIsTheDefaultAndAPasswordInAUrlIsNeverShown) {
  ::setenv("DATABASE_URL", server->url_with_password().c_str(), 1);
  auto store = open_yaml("stores: {s: {backend: postgres, table: from_env}}\n", "s");
  ::unsetenv("DATABASE_URL");
  store->mset({{"k", "v"}});
  EXPECT_EQ(store->mget({"k"})[0], "v");
  const std::string shown =
      Config::parse("stores: {s: {backend: postgres, url: '" + server->url_with_password() + "'}}\n").show();
  EXPECT_THAT(shown, Not(HasSubstr(LocalPostgres::kPassword)));
  EXPECT_THAT(shown, HasSubstr("<redacted>"));
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

std::unique_ptr<ByteStore> open_namespace(const std::string& ns) {
  return open_yaml("stores: {s: {backend: postgres, url: '" + server->url() + "', password: '" +
                   LocalPostgres::kPassword + "', layout: langchain, namespace: '" + ns + "'}}\n", "s");
}

using bytestore::testing::hex;

// LangChain's SQLStore(namespace=`ns`) on the server, as
// tests/support/langchain_sql_store.py does it with psycopg2.
std::vector<std::string> sql_store(const std::string& ns, std::vector<std::string> args, const std::string& input = {}) {
  args.insert(args.begin(), {"/usr/bin/python3", BYTESTORE_LANGCHAIN_SQL_STORE_SCRIPT, server->url_with_password(), ns});
  const auto run = bytestore::testing::run_program(args, input);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return bytestore::testing::lines_of(run.out);
}

std::vector<std::string> sorted_keys(ByteStore& store, std::string_view prefix = {}) {
  std::vector<std::string> keys;
  for (const std::string& key : store.yield_keys(prefix)) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(PostgresLangChain, WhatSqlStoreWritesThisBackendReadsAndTheOtherWay) {
  sql_store("docs", {"create"});
  sql_store("docs", {"write"}, "doc/1\t" + hex("one") + "\ndoc/2\t" + hex(std::string("\0\xff", 2)) + "\nnaïve\t\n");
  sql_store("other", {"write"}, "doc/1\t" + hex("not yours") + "\n");
  auto store = open_namespace("docs");
  EXPECT_THAT(store->mget({"doc/1", "doc/2", "naïve", "missing"}),
              ::testing::ElementsAre("one", std::string("\0\xff", 2), "", std::nullopt));
  EXPECT_THAT(sorted_keys(*store), ::testing::ElementsAre("doc/1", "doc/2", "naïve"));
  EXPECT_THAT(sorted_keys(*store, "doc/"), ::testing::ElementsAre("doc/1", "doc/2"));
  store->mset({{"doc/1", "ONE"}, {"doc/3", "three"}});
  store->mdelete({"doc/2"});
  EXPECT_THAT(sql_store("docs", {"read"}, "doc/1\ndoc/2\ndoc/3\n"),
              ::testing::ElementsAre("doc/1\t" + hex("ONE"), "doc/2\t-", "doc/3\t" + hex("three")));
  std::vector<std::string> listed = sql_store("docs", {"list"});
  std::sort(listed.begin(), listed.end());
  EXPECT_THAT(listed, ::testing::ElementsAre("doc/1", "doc/3", "naïve"));
  // The other namespace's row was never seen or touched.
  EXPECT_THAT(sql_store("other", {"read"}, "doc/1\ndoc/3\n"),
              ::testing::ElementsAre("doc/1\t" + hex("not yours"), "doc/3\t-"));
  EXPECT_THAT(sorted_keys(*open_namespace("other")), ::testing::ElementsAre("doc/1"));
  sql_store("docs", {"delete"}, "doc/3\n");
  EXPECT_EQ(store->mget({"doc/3"})[0], std::nullopt);
  // SQLStore's table as SQLAlchemy makes it, and the listing on its key.
  EXPECT_THAT(sql_store("docs", {"schema"}),
              ::testing::ElementsAre("column namespace character varying nullable=NO",
                                     "column key character varying nullable=NO", "column value bytea nullable=NO",
                                     "index ix_langchain_key_value_stores_key",
                                     "index ix_langchain_key_value_stores_namespace",
                                     "index langchain_key_value_stores_pkey"));
  Raw raw;
  const std::string plan = raw.text(
      "EXPLAIN SELECT key FROM langchain_key_value_stores WHERE namespace = 'docs' AND key >= 'doc/' AND "
      "key < 'doc0' ORDER BY key LIMIT 1000");
  EXPECT_THAT(plan, HasSubstr("langchain_key_value_stores_pkey"));
}

TEST(PostgresLangChain, ItCreatesSqlStoresTableAndListsMultiByteKeysByCodePoint) {
  Raw raw;
  raw.text("DROP TABLE IF EXISTS langchain_key_value_stores");
  auto store = open_namespace("n");
  EXPECT_THAT(sql_store("n", {"schema"}),
              ::testing::Contains("index ix_langchain_key_value_stores_namespace"));
  const std::vector<std::string> keys = {"caf\xc3\xa9/1", "caf\xc3\xa9/2", "cafe", "\xe6\x97\xa5\xe6\x9c\xac",
                                         "\xf0\x9f\x98\x80x", "a\x7f", "a\x7f\x7f", "b", "\xf4\x8f\xbf\xbfz"};
  std::vector<KeyValue> pairs;
  for (const std::string& key : keys) pairs.emplace_back(key, key);
  store->mset(pairs);
  EXPECT_THAT(sorted_keys(*store, "caf\xc3\xa9"), ::testing::ElementsAre("caf\xc3\xa9/1", "caf\xc3\xa9/2"));
  EXPECT_THAT(sorted_keys(*store, "\xe6\x97\xa5"), ::testing::ElementsAre("\xe6\x97\xa5\xe6\x9c\xac"));
  EXPECT_THAT(sorted_keys(*store, "\xf0\x9f\x98\x80"), ::testing::ElementsAre("\xf0\x9f\x98\x80x"));
  EXPECT_THAT(sorted_keys(*store, "a\x7f"), ::testing::ElementsAre("a\x7f", "a\x7f\x7f"));
  EXPECT_THAT(sorted_keys(*store, "\xf4\x8f\xbf\xbf"), ::testing::ElementsAre("\xf4\x8f\xbf\xbfz"));
  // A NUL cannot be in PostgreSQL text: refused before anything is sent.
  try {
    store->mset({{"fine", "1"}, {std::string("n\0l", 3), "2"}});
    ADD_FAILURE() << "a NUL key was accepted";
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), Errc::invalid_argument);
    EXPECT_THAT(e.what(), HasSubstr("NUL"));
  }
  EXPECT_EQ(store->mget({"fine", std::string("n\0l", 3)}), (std::vector<std::optional<Bytes>>{std::nullopt, std::nullopt}));
  EXPECT_THAT(sorted_keys(*store, std::string("n\0", 2)), ::testing::ElementsAre());
}

TEST(Postgres, TlsWithVerifyFullAndACertificateTheTestMakes) {
  const bytestore::testing::TestCertificate certificate, other;
  LocalPostgres secure(&certificate);
  auto url = [&](const std::string& ca) {
    return "postgresql://" + std::string(LocalPostgres::kUser) + "@localhost:" + std::to_string(secure.port()) +
           "/postgres?sslmode=verify-full&sslrootcert=" + ca;
  };
  auto store = open_yaml("stores: {s: {backend: postgres, url: '" + url(certificate.cert_file()) + "', password: '" +
                             LocalPostgres::kPassword + "', max_retries: 0}}\n", "s");
  store->mset({{"k", "over tls"}});
  EXPECT_EQ(store->mget({"k"})[0], "over tls");
  const Error untrusted = error_of([&] {
    open_yaml("stores: {s: {backend: postgres, url: '" + url(other.cert_file()) + "', password: '" +
              LocalPostgres::kPassword + "'}}\n", "s");
  });
  EXPECT_EQ(untrusted.code(), Errc::unavailable) << untrusted.what();
  EXPECT_THAT(untrusted.what(), HasSubstr("sslrootcert"));
  EXPECT_THAT(untrusted.what(), Not(HasSubstr(LocalPostgres::kPassword)));
}

TEST(Postgres, AKilledWriterLeavesEveryBatchWholeOrAbsent) {
  open_table("crash");  // the table exists before the first kill
  int torn = 0, acknowledged = 0;
  for (int iteration = 0; iteration < 10; ++iteration) {
    const auto writer = bytestore::testing::kill_writer(
        1 + iteration % 3, std::chrono::microseconds(iteration * 3000), [&](const bytestore::testing::Acknowledge& ack) {
          auto store = open_table("crash");
          for (int batch = 0;; ++batch) {
            std::vector<KeyValue> pairs;
            for (int k = 0; k < 200; ++k)
              pairs.emplace_back(std::to_string(iteration) + "/" + std::to_string(batch) + "/" + std::to_string(k),
                                 std::string(4096, static_cast<char>('a' + batch % 26)));
            store->mset(pairs);
            ack(batch);
          }
        });
    ASSERT_TRUE(writer.killed) << writer.exit_code;
    // Opened only between kills: a store runs a thread of its own, and a
    // child forked while another thread holds a lock (malloc's, under
    // ASan) could never take it.
    auto reader = open_table("crash");
    std::map<int, int> per_batch;
    for (const std::string& key : reader->yield_keys(std::to_string(iteration) + "/"))
      ++per_batch[std::stoi(key.substr(key.find('/') + 1))];
    for (int b = 0; b <= writer.last_acknowledged; ++b) EXPECT_EQ(per_batch[b], 200) << "acknowledged batch " << b;
    for (const auto& [b, n] : per_batch) torn += n != 200;
    acknowledged += writer.last_acknowledged + 1;
  }
  std::printf("10 kills: %d batches acknowledged, %d torn\n", acknowledged, torn);
  EXPECT_EQ(torn, 0);
}

TEST(Postgres, TwoProcessesShareOneTable) {
  std::vector<pid_t> children;
  for (int w = 0; w < 2; ++w) {
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      int code = 0;
      try {
        auto store = open_table("shared");
        for (int round = 0; round < 100; ++round)
          store->mset({{"w" + std::to_string(w) + "/" + std::to_string(round), "v"}, {"both", std::to_string(w)}});
      } catch (const std::exception& e) {
        std::fprintf(stderr, "writer %d: %s\n", w, e.what());
        code = 1;
      }
      ::_exit(code);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    ::waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  }
  auto store = open_table("shared");
  EXPECT_EQ(sorted_keys(*store, "w0/").size(), 100u);
  EXPECT_EQ(sorted_keys(*store, "w1/").size(), 100u);
  EXPECT_THAT(store->mget({"both"})[0], ::testing::AnyOf(std::optional<Bytes>("0"), std::optional<Bytes>("1")));
}

}  // namespace
}  // namespace bytestore::postgres

int main(int argc, char** argv) {
  ::testing::InitGoogleMock(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new bytestore::postgres::Server);
  return RUN_ALL_TESTS();
}
