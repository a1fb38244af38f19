// Runs the conformance suite against a redis store on a server of its own
// (tests/support/local_redis.h), started once for the run and stopped
// after it; then checks no password appeared in the suite's output.
//
//   redis-conformance-harness CONFORMANCE SERVER [--option 'k: v']... [--- suite flags]
//
// SERVER: plain, password (requirepass, given in the url), acl (an ACL
// user), tls (a certificate made for the run), tls_client_certs, unix,
// cluster (3 masters, 3 replicas).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "harness_args.h"
#include "local_data_api_server.h"
#include "local_redis.h"
#include "subprocess.h"

namespace {

using bytestore::testing::LocalRedis;
using bytestore::testing::LocalRedisCluster;
using bytestore::testing::TestCertificate;

constexpr const char* kPassword = "requirepass-secret-5b1e";

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::cerr << "usage: redis-conformance-harness CONFORMANCE SERVER [--option 'k: v']... [--- suite flags]\n";
    return 2;
  }
  const std::string server = argv[2];
  bytestore::testing::HarnessArgs parsed;
  try {
    parsed = bytestore::testing::parse_harness_args(argc, argv, 3);
  } catch (const std::invalid_argument& e) {
    std::cerr << "redis-conformance-harness: " << e.what() << "\n";
    return 2;
  }
  const auto& [options, suite_flags] = parsed;
  try {
    std::unique_ptr<TestCertificate> certificate;
    std::unique_ptr<LocalRedis> single;
    std::unique_ptr<LocalRedisCluster> cluster;
    std::vector<std::string> store;  // the store's options
    std::string secret;
    if (server == "cluster") {
      cluster = std::make_unique<LocalRedisCluster>();
      store = {"url: '" + cluster->seed_url() + "'", "cluster: true"};
    } else if (server == "tls" || server == "tls_client_certs") {
      certificate = std::make_unique<TestCertificate>();
      single = std::make_unique<LocalRedis>(
          LocalRedis::Setup{.tls = certificate.get(), .tls_client_certs = server == "tls_client_certs"});
      store = {"url: '" + single->url() + "'", "ca_file: " + certificate->cert_file()};
      if (server == "tls_client_certs")
        store.insert(store.end(), {"cert_file: " + certificate->cert_file(), "key_file: " + certificate->key_file()});
    } else if (server == "unix") {
      single = std::make_unique<LocalRedis>(LocalRedis::Setup{.unix_socket = true});
      store = {"url: 'unix://" + single->unix_socket_path() + "?db=2'"};
    } else if (server == "password") {
      single = std::make_unique<LocalRedis>(LocalRedis::Setup{.password = kPassword});
      secret = kPassword;
      // The password inside the url, from the environment.
      store = {"url: 'redis://:${BYTESTORE_REDIS_PASSWORD}@127.0.0.1:" + std::to_string(single->port()) + "/1'"};
    } else if (server == "acl") {
      single = std::make_unique<LocalRedis>();
      secret = LocalRedis::kAclPassword;
      store = {"url: '" + single->url() + "'", std::string("username: ") + LocalRedis::kAclUser,
               "password: ${BYTESTORE_REDIS_PASSWORD}"};
    } else if (server == "plain") {
      single = std::make_unique<LocalRedis>();
      store = {"url: '" + single->url() + "'"};
    } else {
      std::cerr << "redis-conformance-harness: unknown server '" << server << "'\n";
      return 2;
    }
    const auto dir = std::filesystem::temp_directory_path() / ("bytestore-redis-conformance-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    const auto config = dir / "redis.yaml";
    {
      std::ofstream out(config);
      out << "stores:\n  r:\n    backend: redis\n";
      for (const std::string& option : store) out << "    " << option << "\n";
      for (const std::string& option : options) out << "    " << option << "\n";
    }
    std::vector<std::string> args = {argv[1], "--config", config.string(), "--store", "r", "--wipe"};
    args.insert(args.end(), suite_flags.begin(), suite_flags.end());
    const auto run = bytestore::testing::run_program(args, {}, {{"BYTESTORE_REDIS_PASSWORD", secret}});
    std::cout << run.out;
    std::cerr << run.err;
    std::filesystem::remove_all(dir);
    if (!secret.empty() && (run.out + run.err).find(secret) != std::string::npos) {
      std::cerr << "redis-conformance-harness: the password appeared in the suite's output\n";
      return 1;
    }
    return run.exit_code;
  } catch (const std::exception& e) {
    std::cerr << "redis-conformance-harness: " << e.what() << "\n";
    return 1;
  }
}
