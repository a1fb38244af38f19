// Runs the conformance suite against the astra backend pointed at a local
// Data API server started for the run, then checks that the token appeared
// in none of the suite's output.
//
//   astra-conformance-harness SERVER CONFORMANCE [--tls] [--option 'k: v']... [--other-store 'name: {...}']...
//                             [-- server flags] [--- suite flags]
//
// --tls: the server serves HTTPS with a certificate made for the run, and
// the store trusts it through ca_file. --other-store adds a store to the
// config (relative paths land in the run's scratch directory), for layers
// that name one.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "local_data_api_server.h"
#include "subprocess.h"

int main(int argc, char** argv) {
  using bytestore::testing::LocalDataApiServer;
  if (argc < 3) {
    std::cerr << "usage: astra-conformance-harness SERVER CONFORMANCE [--tls] [--option 'k: v']... "
                 "[-- server flags] [--- suite flags]\n";
    return 2;
  }
  std::vector<std::string> options, other_stores, server_flags, suite_flags;
  std::vector<std::string>* target = nullptr;
  std::shared_ptr<const bytestore::testing::TestCertificate> tls;
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--") {
      target = &server_flags;
    } else if (arg == "---") {
      target = &suite_flags;
    } else if (target) {
      target->push_back(arg);
    } else if (arg == "--tls") {
      tls = std::make_shared<bytestore::testing::TestCertificate>();
    } else if (arg == "--other-store" && i + 1 < argc) {
      other_stores.push_back(argv[++i]);
    } else if (arg == "--option" && i + 1 < argc) {
      options.push_back(argv[++i]);
    } else {
      std::cerr << "astra-conformance-harness: unexpected '" << arg << "'\n";
      return 2;
    }
  }

  LocalDataApiServer server(argv[1], server_flags, tls);
  const auto dir = std::filesystem::temp_directory_path() /
                   ("bytestore-astra-conformance-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  const auto config = dir / "astra.yaml";
  {
    std::ofstream out(config);
    out << "stores:\n  astra:\n    backend: astra\n"
        << "    api_endpoint: " << server.endpoint() << "\n"
        << "    token: ${BYTESTORE_TEST_ASTRA_TOKEN}\n"
        << "    namespace: default_keyspace\n"
        << "    collection_name: conformance\n";
    if (tls) out << "    ca_file: " << server.ca_file() << "\n";
    for (const std::string& o : options) out << "    " << o << "\n";
    for (const std::string& s : other_stores) out << "  " << s << "\n";
  }
  std::vector<std::string> suite = {argv[2], "--config", config.string(), "--store", "astra", "--wipe"};
  suite.insert(suite.end(), suite_flags.begin(), suite_flags.end());
  const auto run = bytestore::testing::run_program(
      suite, {}, {{"BYTESTORE_TEST_ASTRA_TOKEN", LocalDataApiServer::kToken}});
  std::filesystem::remove_all(dir);
  std::cout << run.out;
  std::cerr << run.err;
  const auto stats = server.stats();
  std::cout << "[ harness  ] server saw " << boost::json::serialize(stats) << "\n";
  if (run.out.find(LocalDataApiServer::kToken) != std::string::npos ||
      run.err.find(LocalDataApiServer::kToken) != std::string::npos) {
    std::cerr << "astra-conformance-harness: the token appeared in the suite's output\n";
    return 1;
  }
  std::cout << "[ harness  ] the token appeared in none of the suite's output\n";
  return run.exit_code;
}
