#include "local_postgres.h"

#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

#include "free_port.h"
#include "local_data_api_server.h"
#include "subprocess.h"

namespace bytestore::testing {
namespace {

namespace fs = std::filesystem;
constexpr const char* kBin = "/usr/lib/postgresql/15/bin/";

// Gives `path` to the user the server runs as.
void give_to_server_user(const std::string& path) {
  if (::geteuid() != 0) return;
  const passwd* user = ::getpwnam("postgres");
  if (!user) throw std::runtime_error("no user 'postgres' to run the server as");
  if (::chown(path.c_str(), user->pw_uid, user->pw_gid) != 0) throw std::runtime_error("chown failed: " + path);
}

// `argv` as the postgres user when this process is root.
std::vector<std::string> as_server_user(std::vector<std::string> argv) {
  if (::geteuid() != 0) return argv;
  argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
  return argv;
}

}  // namespace

LocalPostgres::LocalPostgres(const TestCertificate* tls) : tls_(tls != nullptr) {
  if (!fs::exists(std::string(kBin) + "postgres"))
    throw std::runtime_error(std::string("PostgreSQL 15 is not installed (") + kBin +
                             "postgres); run tools/install-deps.sh");
  std::string pattern = (fs::temp_directory_path() / "bytestore-pg-XXXXXX").string();
  if (!::mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
  dir_ = pattern;
  give_to_server_user(dir_);
  fs::permissions(dir_, fs::perms::owner_all);
  {
    std::ofstream(dir_ + "/password") << kPassword << "\n";
  }
  give_to_server_user(dir_ + "/password");
  if (tls) {
    // The server refuses a key others can read.
    fs::copy_file(tls->cert_file(), dir_ + "/server.crt");
    fs::copy_file(tls->key_file(), dir_ + "/server.key");
    fs::permissions(dir_ + "/server.key", fs::perms::owner_read | fs::perms::owner_write);
    give_to_server_user(dir_ + "/server.crt");
    give_to_server_user(dir_ + "/server.key");
  }
  const Finished init = run_program(as_server_user(
      {std::string(kBin) + "initdb", "-D", dir_ + "/data", "-U", kUser, "--pwfile=" + dir_ + "/password",
       "--locale=C", "-E", "UTF8", "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync"}));
  if (init.exit_code != 0)
    throw std::runtime_error("initdb failed (exit " + std::to_string(init.exit_code) + "): " + init.err + init.out);
  port_ = free_port();
  start();
}

LocalPostgres::~LocalPostgres() {
  try {
    stop();
  } catch (...) {
  }
  std::error_code ignored;
  fs::remove_all(dir_, ignored);
}

std::string LocalPostgres::url() const {
  return "postgresql://" + std::string(kUser) + "@127.0.0.1:" + std::to_string(port_) + "/" + kDatabase;
}

std::string LocalPostgres::url_with_password() const {
  return "postgresql://" + std::string(kUser) + ":" + kPassword + "@127.0.0.1:" + std::to_string(port_) +
         "/" + kDatabase;
}

void LocalPostgres::start() {
  std::vector<std::string> server = {
      std::string(kBin) + "postgres", "-D", dir_ + "/data", "-p", std::to_string(port_), "-k", dir_,
      "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=100",
      "-c", "logging_collector=off"};
  if (tls_)
    server.insert(server.end(), {"-c", "ssl=on", "-c", "ssl_cert_file=" + dir_ + "/server.crt", "-c",
                                 "ssl_key_file=" + dir_ + "/server.key"});
  const std::vector<std::string> argv = as_server_user(server);
  runner_ = ::fork();
  if (runner_ < 0) throw std::runtime_error("fork failed");
  if (runner_ == 0) {
    // The server's log goes to a file, not the test's output.
    const std::string log = dir_ + "/server.log";
    if (FILE* out = std::fopen(log.c_str(), "a")) {
      ::dup2(fileno(out), 1);
      ::dup2(fileno(out), 2);
    }
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  // Ready once pg_isready says so.
  for (int i = 0; i < 300; ++i) {
    const Finished ready = run_program({std::string(kBin) + "pg_isready", "-q", "-h", "127.0.0.1", "-p",
                                        std::to_string(port_)});
    if (ready.exit_code == 0) return;
    int status = 0;
    if (::waitpid(runner_, &status, WNOHANG) == runner_) {
      std::ifstream log(dir_ + "/server.log");
      std::string text((std::istreambuf_iterator<char>(log)), std::istreambuf_iterator<char>());
      throw std::runtime_error("postgres exited while starting: " + text);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  throw std::runtime_error("postgres did not become ready in 30 s");
}

pid_t LocalPostgres::postmaster_pid() const {
  std::ifstream in(dir_ + "/data/postmaster.pid");
  long pid = 0;
  in >> pid;
  return static_cast<pid_t>(pid);
}

void LocalPostgres::wait_until_stopped(pid_t pid) {
  for (int i = 0; i < 600 && ::kill(pid, 0) == 0; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  if (runner_ > 0) {
    int status = 0;
    ::waitpid(runner_, &status, 0);
    runner_ = -1;
  }
}

void LocalPostgres::stop() {
  const pid_t pid = postmaster_pid();
  if (pid <= 0 || ::kill(pid, SIGINT) != 0) return;
  wait_until_stopped(pid);
}

}  // namespace bytestore::testing
