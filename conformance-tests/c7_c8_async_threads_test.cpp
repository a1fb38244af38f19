// C7 async forms equal the sync forms; C8 one store, many threads.
#include "store_test.h"

#include <atomic>
#include <thread>

namespace bytestore::conformance {
namespace {

using Values = std::vector<std::optional<Bytes>>;
using C7Async = StoreTest;

TEST_F(C7Async, ResultsEqualTheSyncForms) {
  const auto keys = numbered_keys("async/", 300);
  store_->amset(pairs_for(keys)).get();
  std::vector<std::string> request = keys;
  request.push_back("async/missing");
  EXPECT_EQ(store_->amget(request).get(), store_->mget(request));
  store_->amdelete(std::vector<std::string>(keys.begin(), keys.begin() + 100)).get();
  EXPECT_EQ(sorted_keys(*store_), std::vector<std::string>(keys.begin() + 100, keys.end()));
}

TEST_F(C7Async, ManyCallsInFlightAtOnce) {
  std::vector<std::future<void>> writes;
  for (int i = 0; i < 64; ++i)
    writes.push_back(store_->amset({{"f" + std::to_string(i), std::to_string(i)}}));
  for (auto& w : writes) w.get();
  std::vector<std::future<Values>> reads;
  for (int i = 0; i < 64; ++i) reads.push_back(store_->amget({"f" + std::to_string(i)}));
  for (int i = 0; i < 64; ++i) EXPECT_EQ(reads[i].get(), (Values{std::to_string(i)}));
}

TEST_F(C7Async, AsyncListingPagesInOrderUntilEmpty) {
  const auto keys = numbered_keys("al/", 1300);
  store_->mset(pairs_for(keys));
  AsyncKeyCursor cursor = store_->ayield_keys("al/");
  // Ask for several pages before waiting: they must come back in order.
  std::vector<std::future<std::vector<std::string>>> pages;
  for (int i = 0; i < 3; ++i) pages.push_back(cursor.next_page());
  std::vector<std::string> seen;
  for (auto& p : pages) {
    auto page = p.get();
    seen.insert(seen.end(), page.begin(), page.end());
  }
  for (auto page = cursor.next_page().get(); !page.empty(); page = cursor.next_page().get())
    seen.insert(seen.end(), page.begin(), page.end());
  EXPECT_TRUE(cursor.next_page().get().empty()) << "an exhausted cursor stays exhausted";
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(seen, keys);
}

TEST_F(C7Async, StoreMayBeDestroyedWithCallsPending) {
  auto pending = store_->amset(pairs_for(numbered_keys("gone/", 200)));
  store_.reset();
  EXPECT_NO_THROW(pending.get());
}

TEST_F(C7Async, ErrorsArriveThroughTheFuture) {
  auto f = store_->amget({"ok", ""});
  EXPECT_BYTESTORE_ERROR(f.get(), Errc::invalid_argument);
}

using C8Threads = StoreTest;

TEST_F(C8Threads, ManyThreadsOnOneStore) {
  constexpr int kThreads = 8, kRounds = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string mine = "t" + std::to_string(t) + "/";
      for (int r = 0; r < kRounds; ++r) {
        const auto keys = numbered_keys(mine + std::to_string(r) + "/", 5);
        store_->mset(pairs_for(keys, std::to_string(r)));
        const Values got = store_->mget(keys);
        for (std::size_t i = 0; i < keys.size(); ++i)
          if (got[i] != std::to_string(r) + keys[i]) ++failures;
        store_->mset({{"shared", mine}});  // contended key
        if (r % 2) store_->mdelete(keys);
        std::size_t listed = 0;
        for (const std::string& k : store_->yield_keys(mine)) listed += k.starts_with(mine);
        if (listed == 0) ++failures;  // the odd rounds' keys stay
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  // Exactly the even rounds' keys remain; "shared" holds one thread's value.
  for (int t = 0; t < kThreads; ++t)
    EXPECT_EQ(sorted_keys(*store_, "t" + std::to_string(t) + "/").size(), (kRounds / 2) * 5u);
  const auto shared = get("shared");
  ASSERT_TRUE(shared.has_value());
  EXPECT_TRUE(shared->starts_with("t") && shared->ends_with("/")) << *shared;
}

TEST_F(C8Threads, ReadersSeeWholeValuesWhileWritersOverwrite) {
  const Bytes a(64 * 1024, 'a'), b(64 * 1024, 'b');
  store_->mset({{"flip", a}});
  std::atomic<bool> stop{false};
  std::atomic<int> torn{0};
  std::thread writer([&] {
    for (int i = 0; i < 200; ++i) store_->mset({{"flip", i % 2 ? a : b}});
    stop = true;
  });
  std::vector<std::thread> readers;
  for (int r = 0; r < 3; ++r)
    readers.emplace_back([&] {
      while (!stop) {
        const auto v = get("flip");
        if (!v || (*v != a && *v != b)) ++torn;
      }
    });
  writer.join();
  for (auto& th : readers) th.join();
  EXPECT_EQ(torn.load(), 0);
}

}  // namespace
}  // namespace bytestore::conformance
