// layout: langchain — LangChain SQLStore's table on SQLite, shared with a
// Python script that reads and writes exactly as SQLStore does
// (langchain_sql_store.py, Debian's sqlite3 module), both ways, with other
// namespaces' rows never seen or touched.
#include <gmock/gmock.h>

#include <sqlite3.h>


#include "sqlite_scratch.h"
#include "subprocess.h"
#include "test_values.h"

namespace bytestore::sqlite {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::ScratchDir;
using testing::open_store;
using bytestore::testing::run_program;

const std::string kScript = BYTESTORE_LANGCHAIN_SQL_STORE_SCRIPT;

using bytestore::testing::hex;
using bytestore::testing::lines_of;

// Runs the script on `db` as SQLStore(namespace=`ns`); fails the test unless it exits 0.
std::string sql_store(const std::string& db, const std::string& ns, std::vector<std::string> args,
                      const std::string& input = {}) {
  args.insert(args.begin(), {"/usr/bin/python3", kScript, db, ns});
  const auto run = run_program(args, input);
  EXPECT_EQ(run.exit_code, 0) << run.err;
  return run.out;
}

std::unique_ptr<ByteStore> open_namespace(const std::string& db, const std::string& ns) {
  return open_store(db, "layout: langchain, namespace: '" + ns + "'");
}

std::vector<std::string> sorted_keys(ByteStore& store, std::string_view prefix = {}) {
  std::vector<std::string> keys;
  for (const std::string& key : store.yield_keys(prefix)) keys.push_back(key);
  std::sort(keys.begin(), keys.end());
  return keys;
}

TEST(LangChainLayout, WhatSqlStoreWritesThisBackendReadsAndTheOtherWay) {
  ScratchDir dir;
  const std::string db = dir.file("lc.db");
  sql_store(db, "docs", {"create"});
  sql_store(db, "docs", {"write"}, "doc/1\t" + hex("one") + "\ndoc/2\t" + hex(std::string("\0\xff", 2)) +
                                       "\nnaïve\t" + hex("") + "\n");
  sql_store(db, "other", {"write"}, "doc/1\t" + hex("not yours") + "\n");

  auto store = open_namespace(db, "docs");
  EXPECT_THAT(store->mget({"doc/1", "doc/2", "naïve", "missing"}),
              ElementsAre("one", std::string("\0\xff", 2), "", std::nullopt));
  EXPECT_THAT(sorted_keys(*store), ElementsAre("doc/1", "doc/2", "naïve"));
  EXPECT_THAT(sorted_keys(*store, "doc/"), ElementsAre("doc/1", "doc/2"));
  EXPECT_THAT(sorted_keys(*store, "d%"), ElementsAre());  // no LIKE wildcard leaks from a prefix

  store->mset({{"doc/1", "ONE"}, {"doc/3", "three"}});
  store->mdelete({"doc/2"});
  EXPECT_THAT(lines_of(sql_store(db, "docs", {"read"}, "doc/1\ndoc/2\ndoc/3\n")),
              ElementsAre("doc/1\t" + hex("ONE"), "doc/2\t-", "doc/3\t" + hex("three")));
  std::vector<std::string> listed = lines_of(sql_store(db, "docs", {"list"}));
  std::sort(listed.begin(), listed.end());
  EXPECT_THAT(listed, ElementsAre("doc/1", "doc/3", "naïve"));
  // The other namespace's row was never seen or touched.
  EXPECT_THAT(lines_of(sql_store(db, "other", {"read"}, "doc/1\ndoc/3\n")),
              ElementsAre("doc/1\t" + hex("not yours"), "doc/3\t-"));
  EXPECT_THAT(sorted_keys(*open_namespace(db, "other")), ElementsAre("doc/1"));
  sql_store(db, "docs", {"delete"}, "doc/3\n");
  EXPECT_EQ(store->mget({"doc/3"})[0], std::nullopt);
}

TEST(LangChainLayout, TheTableItCreatesIsSqlStores) {
  ScratchDir dir;
  const std::string db = dir.file("fresh.db");
  open_namespace(db, "ns")->mset({{"k", "v"}});
  EXPECT_THAT(lines_of(sql_store(db, "ns", {"schema"})),
              ElementsAre("column namespace VARCHAR notnull=1 pk=1", "column key VARCHAR notnull=1 pk=2",
                          "column value BLOB notnull=1 pk=0", "index ix_langchain_key_value_stores_key",
                          "index ix_langchain_key_value_stores_namespace",
                          "index sqlite_autoindex_langchain_key_value_stores_1"));
  EXPECT_THAT(lines_of(sql_store(db, "ns", {"read"}, "k\n")), ElementsAre("k\t" + hex("v")));
  // Keys are TEXT, as Python's str: SQLStore's `key IN (?)` finds them.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* statement = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(raw, "SELECT typeof(namespace), typeof(key), typeof(value) FROM langchain_key_value_stores", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 0)), "text");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 1)), "text");
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(statement, 2)), "blob");
  sqlite3_finalize(statement);
  // A prefix listing is a range on the primary key, not a scan.
  ASSERT_EQ(sqlite3_prepare_v2(raw, "EXPLAIN QUERY PLAN SELECT key FROM \"langchain_key_value_stores\" WHERE "
                               "namespace = 'ns' AND key >= 'a' AND key < 'b' ORDER BY key LIMIT 10",
                               -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_THAT(reinterpret_cast<const char*>(sqlite3_column_text(statement, 3)),
              HasSubstr("(namespace=? AND key>? AND key<?)"));
  sqlite3_finalize(statement);
  // The file's user_version is left to whoever owns it.
  ASSERT_EQ(sqlite3_prepare_v2(raw, "PRAGMA user_version", -1, &statement, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(statement), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(statement, 0), 0);
  sqlite3_finalize(statement);
  sqlite3_close(raw);
}

TEST(LangChainLayout, OptionsThatCannotGoTogetherAreConfigErrors) {
  ScratchDir dir;
  const std::string db = dir.file("x.db");
  auto message_of = [&](const std::string& extra) {
    try {
      open_store(db, extra);
    } catch (const Error& e) {
      EXPECT_EQ(e.code(), Errc::config) << e.what();
      return std::string(e.what());
    }
    ADD_FAILURE() << extra << " opened";
    return std::string();
  };
  EXPECT_THAT(message_of("layout: langchain"), HasSubstr("'namespace' is required"));
  EXPECT_THAT(message_of("layout: langchain, namespace: n, table: mine"), HasSubstr("'table' cannot be set"));
  EXPECT_THAT(message_of("namespace: n"), HasSubstr("needs layout: langchain"));
  EXPECT_THAT(message_of("layout: sqlalchemy"), HasSubstr("layout"));
}

}  // namespace
}  // namespace bytestore::sqlite
