// bytestore-conformance: the contract (docs/CONTRACT.md) run against any
// store of any config.
//
//   bytestore-conformance --config FILE --store NAME [--wipe] [gtest flags]
//
// It writes only keys it later deletes. A store that is not empty at the
// start is refused unless --wipe says its contents may be deleted.
#include <bytestore/bytestore.hpp>
#include <gtest/gtest.h>

#include <cstring>
#include <iostream>

#include "store_test.h"

namespace bytestore::conformance {
namespace {

Target g_target;

constexpr const char* kUsage =
    "usage: bytestore-conformance --config FILE [--store NAME] [--wipe] [gtest flags]\n"
    "  --config FILE  the YAML config holding the store to check\n"
    "  --store NAME   the store to check (default: the config's default store)\n"
    "  --wipe         delete the store's existing keys first (otherwise a non-empty\n"
    "                 store is refused, so no data the suite did not write is lost)\n"
    "  --version      print \"bytestore-conformance VERSION\"\n"
    "Checks every clause of docs/CONTRACT.md against the store and leaves it empty;\n"
    "exits 0 when every clause holds.\n";

}  // namespace

const Target& target() { return g_target; }

std::unique_ptr<ByteStore> open_target() {
  return Config::load_file(g_target.config_path).open(g_target.store_name);
}

std::vector<std::string> sorted_keys(ByteStore& store, const std::string& prefix) {
  std::vector<std::string> keys;
  for (const std::string& k : store.yield_keys(prefix)) keys.push_back(k);
  std::sort(keys.begin(), keys.end());
  return keys;
}

std::size_t delete_all(ByteStore& store) {
  std::vector<std::string> keys = sorted_keys(store);
  constexpr std::size_t kBatch = 500;
  for (std::size_t i = 0; i < keys.size(); i += kBatch) {
    const std::size_t n = std::min(kBatch, keys.size() - i);
    store.mdelete(std::span<const std::string>(keys.data() + i, n));
  }
  return keys.size();
}

}  // namespace bytestore::conformance

int main(int argc, char** argv) {
  using namespace bytestore::conformance;
  bytestore::install_crash_reporter();
  ::testing::InitGoogleTest(&argc, argv);  // takes the --gtest_* flags out
  bool wipe = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if ((arg == "--config" || arg == "-c") && i + 1 < argc) {
      g_target.config_path = argv[++i];
    } else if ((arg == "--store" || arg == "-s") && i + 1 < argc) {
      g_target.store_name = argv[++i];
    } else if (arg == "--wipe") {
      wipe = true;
    } else if (arg == "--help" || arg == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (arg == "--version") {
      std::cout << "bytestore-conformance " << BYTESTORE_VERSION << '\n';
      return 0;
    } else {
      std::cerr << "bytestore-conformance: unknown argument '" << arg << "'\n" << kUsage;
      return 2;
    }
  }
  if (g_target.config_path.empty()) {
    std::cerr << "bytestore-conformance: --config is required\n" << kUsage;
    return 2;
  }
  try {
    auto store = open_target();
    const std::size_t existing = sorted_keys(*store).size();
    if (existing > 0 && !wipe) {
      std::cerr << "bytestore-conformance: store '" << g_target.store_name << "' of "
                << g_target.config_path << " holds " << existing
                << " keys; the suite needs an empty store. Point it at an empty one, or pass "
                   "--wipe to delete those keys first.\n";
      return 2;
    }
    if (existing > 0) std::cerr << "bytestore-conformance: --wipe: deleted " << delete_all(*store) << " keys\n";
    std::cout << "Checking store '" << (g_target.store_name.empty() ? "(default)" : g_target.store_name)
              << "' of " << g_target.config_path << "\n";
  } catch (const bytestore::Error& e) {
    std::cerr << "bytestore-conformance: " << e.what() << "\n";
    return 2;
  }
  return RUN_ALL_TESTS();
}
