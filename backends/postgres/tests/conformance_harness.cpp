// Runs the conformance suite against a postgres store on a server of its
// own (tests/support/local_postgres.h), started once for the run and
// stopped after it; then checks the password appeared in none of the
// suite's output.
//
//   postgres-conformance-harness CONFORMANCE [--option 'k: v']... [--- suite flags]
#include <stdlib.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "harness_args.h"
#include "local_postgres.h"
#include "subprocess.h"

int main(int argc, char** argv) {
  using bytestore::testing::LocalPostgres;
  if (argc < 2) {
    std::cerr << "usage: postgres-conformance-harness CONFORMANCE [--option 'k: v']... [--- suite flags]\n";
    return 2;
  }
  bytestore::testing::HarnessArgs parsed;
  try {
    parsed = bytestore::testing::parse_harness_args(argc, argv, 2);
  } catch (const std::invalid_argument& e) {
    std::cerr << "postgres-conformance-harness: " << e.what() << "\n";
    return 2;
  }
  const auto& [options, suite_flags] = parsed;
  try {
    LocalPostgres server;
    const auto dir = std::filesystem::temp_directory_path() / ("bytestore-pg-conformance-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto config = dir / "postgres.yaml";
    {
      std::ofstream out(config);
      out << "stores:\n  pg:\n    backend: postgres\n    url: '" << server.url() << "'\n"
          << "    password: ${BYTESTORE_PG_PASSWORD}\n";
      for (const std::string& option : options) out << "    " << option << "\n";
    }
    std::vector<std::string> args = {argv[1], "--config", config.string(), "--store", "pg", "--wipe"};
    args.insert(args.end(), suite_flags.begin(), suite_flags.end());
    const auto run = bytestore::testing::run_program(args, {}, {{"BYTESTORE_PG_PASSWORD", LocalPostgres::kPassword}});
    std::cout << run.out;
    std::cerr << run.err;
    std::filesystem::remove_all(dir);
    if ((run.out + run.err).find(LocalPostgres::kPassword) != std::string::npos) {
      std::cerr << "postgres-conformance-harness: the password appeared in the suite's output\n";
      return 1;
    }
    return run.exit_code;
  } catch (const std::exception& e) {
    std::cerr << "postgres-conformance-harness: " << e.what() << "\n";
    return 1;
  }
}
