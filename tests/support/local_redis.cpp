#include "local_redis.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>
#include <utility>

#include "free_port.h"
#include "local_data_api_server.h"

namespace bytestore::testing {
namespace {

namespace fs = std::filesystem;
using std::chrono::steady_clock;

constexpr const char* kServer = "/usr/bin/redis-server";
constexpr const char* kCli = "/usr/bin/redis-cli";
constexpr int kSlots = 16384;
// Redis puts a node's cluster bus on its port plus this.
constexpr int kBusOffset = 10000;

// `count` ports whose bus ports are free too. The bus port must stay below
// 65536, so they come from 20000..35000, starting at a random place so that
// test programs running side by side rarely try the same ones.
std::vector<int> cluster_ports(std::size_t count) {
  constexpr int kLow = 20000, kHigh = 35000;
  std::random_device seed;
  int candidate = kLow + static_cast<int>(seed() % (kHigh - kLow));
  std::set<int> taken;
  std::vector<int> ports;
  for (int tried = 0; ports.size() < count && tried < kHigh - kLow; ++tried) {
    const int bus = candidate + kBusOffset;
    if (!taken.count(candidate) && !taken.count(bus) && port_is_free(candidate) && port_is_free(bus)) {
      ports.push_back(candidate);
      taken.insert({candidate, bus});
    }
    candidate = candidate + 1 < kHigh ? candidate + 1 : kLow;
  }
  if (ports.size() < count) throw std::runtime_error("no free ports for a Redis cluster");
  return ports;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string describe_exit(int status) {
  if (WIFEXITED(status)) return "exit " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "signal " + std::to_string(WTERMSIG(status));
  return "status " + std::to_string(status);
}

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(text);
  while (std::getline(in, part, separator)) {
    if (!part.empty() && part.back() == '\r') part.pop_back();
    if (!part.empty()) parts.push_back(part);
  }
  return parts;
}

// A number that is the whole of `text`, or -1.
int parse_int(const std::string& text) {
  int value = -1;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size() ? value : -1;
}

// One line of CLUSTER NODES:
// <id> <ip:port@bus[,hostname]> <flags> <master> <ping> <pong> <epoch> <link> <slot>...
struct ClusterNodeLine {
  int port = -1;
  bool myself = false;
  bool master = false;
  bool failed = false;  // fail, fail? (suspected) or noaddr
  std::vector<std::pair<int, int>> slots;  // inclusive ranges

  bool serves(int slot) const {
    return std::any_of(slots.begin(), slots.end(),
                       [slot](const auto& range) { return range.first <= slot && slot <= range.second; });
  }
};

std::vector<ClusterNodeLine> parse_cluster_nodes(const std::string& text) {
  std::vector<ClusterNodeLine> lines;
  for (const std::string& row : split(text, '\n')) {
    const std::vector<std::string> fields = split(row, ' ');
    if (fields.size() < 8) continue;
    ClusterNodeLine line;
    const std::string address = fields[1].substr(0, fields[1].find('@'));
    const std::size_t colon = address.rfind(':');
    if (colon != std::string::npos) line.port = parse_int(address.substr(colon + 1));
    for (const std::string& flag : split(fields[2], ',')) {
      line.myself |= flag == "myself";
      line.master |= flag == "master";
      line.failed |= flag == "fail" || flag == "fail?" || flag == "noaddr";
    }
    for (std::size_t i = 8; i < fields.size(); ++i) {
      if (fields[i].front() == '[') continue;  // a slot being migrated or imported
      const std::size_t dash = fields[i].find('-');
      const int first = parse_int(fields[i].substr(0, dash));
      const int last = dash == std::string::npos ? first : parse_int(fields[i].substr(dash + 1));
      if (first >= 0 && last >= first) line.slots.emplace_back(first, last);
    }
    lines.push_back(line);
  }
  return lines;
}

}  // namespace

LocalRedis::LocalRedis(Setup setup)
    : tls_(setup.tls != nullptr),
      tls_client_certs_(setup.tls != nullptr && setup.tls_client_certs),
      unix_socket_(setup.unix_socket),
      password_(std::move(setup.password)) {
  if (setup.tls) {
    // Copies, so the certificate object may go before the server does.
    fs::copy_file(setup.tls->cert_file(), dir_.file("cert.pem"));
    fs::copy_file(setup.tls->key_file(), dir_.file("key.pem"));
  }
  port_ = free_port();
  start();
}

LocalRedis::LocalRedis(int port, std::vector<std::string> extra_flags)
    : extra_flags_(std::move(extra_flags)), port_(port) {
  start();
}

LocalRedis::~LocalRedis() { stop(); }

std::string LocalRedis::url() const {
  return (tls_ ? "rediss://localhost:" : "redis://127.0.0.1:") + std::to_string(port_) + "/0";
}

std::string LocalRedis::unix_socket_path() const { return unix_socket_ ? dir_.file("redis.sock") : std::string(); }

std::vector<std::string> LocalRedis::server_argv() const {
  std::vector<std::string> argv = {kServer, "--bind", "127.0.0.1", "--daemonize", "no", "--save", "",
                                   "--appendonly", "no", "--dir", dir_.path().string(), "--logfile",
                                   dir_.file("redis.log")};
  if (tls_) {
    argv.insert(argv.end(), {"--port", "0", "--tls-port", std::to_string(port_), "--tls-cert-file",
                             dir_.file("cert.pem"), "--tls-key-file", dir_.file("key.pem"),
                             "--tls-auth-clients", tls_client_certs_ ? "yes" : "no"});
    if (tls_client_certs_) argv.insert(argv.end(), {"--tls-ca-cert-file", dir_.file("cert.pem")});
  } else {
    argv.insert(argv.end(), {"--port", std::to_string(port_)});
  }
  if (unix_socket_) argv.insert(argv.end(), {"--unixsocket", unix_socket_path(), "--unixsocketperm", "700"});
  argv.insert(argv.end(), {"--user", kAclUser, "on", std::string(">") + kAclPassword, "~*", "&*", "+@all"});
  argv.insert(argv.end(), {"--user", kReadOnlyUser, "on", std::string(">") + kReadOnlyPassword, "~*", "+@read",
                           "+ping", "+scan", "-@write"});
  if (!password_.empty()) argv.insert(argv.end(), {"--requirepass", password_});
  argv.insert(argv.end(), extra_flags_.begin(), extra_flags_.end());
  return argv;
}

void LocalRedis::start() {
  if (pid_ > 0) return;
  if (!fs::exists(kServer))
    throw std::runtime_error(std::string("Redis is not installed (") + kServer + "); run tools/install-deps.sh");
  // Everything the child needs is made before fork: it only makes system
  // calls, then execs.
  const std::vector<std::string> argv = server_argv();
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  const std::string log = dir_.file("redis.log");
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    // A test program that dies without running destructors (abort, a
    // signal) takes the server with it. Linux ties this to the forking
    // thread, so servers belong to the thread that runs the test.
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    // Early errors (a bad flag) go to stderr before the log file is open.
    const int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    const int in = ::open("/dev/null", O_RDONLY);
    if (out < 0 || in < 0) ::_exit(127);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(out, 2);
    // No descriptor of the test program (a listening socket, a pipe a
    // reader waits on) may live on in the server.
    ::close_range(3, ~0U, 0);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  pid_ = pid;
  const auto deadline = steady_clock::now() + std::chrono::seconds(30);
  for (;;) {
    const Finished ping = cli({"PING"});
    if (ping.exit_code == 0 && ping.out.rfind("PONG", 0) == 0) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server on port " + std::to_string(port_) + " exited while starting (" +
                               describe_exit(status) + "); its log ends:\n" + log_tail());
    }
    if (steady_clock::now() > deadline) {
      kill();
      throw std::runtime_error("redis-server on port " + std::to_string(port_) +
                               " did not answer PING in 30 s (last answer: " + ping.out + ping.err +
                               "); its log ends:\n" + log_tail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

void LocalRedis::reap(std::chrono::milliseconds grace) {
  if (pid_ <= 0) return;
  const auto deadline = steady_clock::now() + grace;
  int status = 0;
  for (;;) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_ || (done < 0 && errno != EINTR)) break;
    if (done == 0 && steady_clock::now() >= deadline) {
      ::kill(pid_, SIGKILL);
      while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  pid_ = -1;
}

void LocalRedis::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  reap(std::chrono::seconds(10));
}

void LocalRedis::kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  reap(std::chrono::seconds(10));
}

Finished LocalRedis::cli(const std::vector<std::string>& args, const std::string& input) const {
  std::vector<std::string> argv = {kCli, "-h", "127.0.0.1", "-p", std::to_string(port_)};
  if (tls_) argv.insert(argv.end(), {"--tls", "--cacert", dir_.file("cert.pem")});
  if (tls_client_certs_) argv.insert(argv.end(), {"--cert", dir_.file("cert.pem"), "--key", dir_.file("key.pem")});
  if (!password_.empty()) argv.insert(argv.end(), {"-a", password_, "--no-auth-warning"});
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv, input);
}

std::string LocalRedis::log_tail() const {
  std::ifstream in(dir_.file("redis.log"));
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  constexpr std::size_t kTail = 3000;
  return text.size() > kTail ? text.substr(text.size() - kTail) : text;
}

LocalRedisCluster::LocalRedisCluster() {
  // A node that fails to start, or a cluster that never forms, throws;
  // the nodes already in nodes_ are then stopped as it is destroyed.
  // A master waits repl-diskless-sync-delay (5 s) for more replicas before
  // it syncs the first one; here there is only ever one.
  for (int port : cluster_ports(6))
    nodes_.push_back(std::unique_ptr<LocalRedis>(
        new LocalRedis(port, {"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                              "--cluster-node-timeout", "1000", "--repl-diskless-sync-delay", "0"})));
  std::vector<std::string> create = {kCli, "--cluster", "create"};
  for (const auto& node : nodes_) create.push_back("127.0.0.1:" + std::to_string(node->port()));
  create.insert(create.end(), {"--cluster-replicas", "1", "--cluster-yes"});
  const Finished made = run_program(create);
  if (made.exit_code != 0)
    throw std::runtime_error("redis-cli --cluster create failed (exit " + std::to_string(made.exit_code) +
                             "): " + made.out + made.err);
  wait_until_healthy(std::chrono::seconds(60));
}

// The nodes' destructors stop them; first every one is told, so that they
// shut down side by side.
LocalRedisCluster::~LocalRedisCluster() {
  for (const auto& node : nodes_)
    if (node->pid_ > 0) ::kill(node->pid_, SIGTERM);
}

std::string LocalRedisCluster::seed_url() const { return "redis://127.0.0.1:" + std::to_string(nodes_[0]->port()); }

std::vector<int> LocalRedisCluster::ports() const {
  std::vector<int> ports;
  for (const auto& node : nodes_) ports.push_back(node->port());
  return ports;
}

std::vector<int> LocalRedisCluster::live_ports() const {
  std::vector<int> ports;
  for (const auto& node : nodes_)
    if (node->pid_ > 0) ports.push_back(node->port());
  return ports;
}

const LocalRedis& LocalRedisCluster::node(int port) const {
  for (const auto& node : nodes_)
    if (node->port() == port) return *node;
  throw std::invalid_argument("no cluster node on port " + std::to_string(port));
}

std::string LocalRedisCluster::cluster_nodes() const {
  for (int port : live_ports()) {
    const Finished answer = node(port).cli({"CLUSTER", "NODES"});
    if (answer.exit_code == 0 && contains(answer.out, "myself")) return answer.out;
  }
  throw std::runtime_error("no cluster node answers CLUSTER NODES");
}

std::vector<int> LocalRedisCluster::master_ports() const {
  std::vector<int> ports;
  for (const ClusterNodeLine& line : parse_cluster_nodes(cluster_nodes()))
    if (line.master && !line.failed && !line.slots.empty()) ports.push_back(line.port);
  std::sort(ports.begin(), ports.end());
  return ports;
}

int LocalRedisCluster::master_of_key(const std::string& key) const {
  const std::vector<int> live = live_ports();
  if (live.empty()) throw std::runtime_error("no cluster node is running");
  const Finished answer = node(live.front()).cli({"CLUSTER", "KEYSLOT", key});
  const std::vector<std::string> lines = split(answer.out, '\n');
  const int slot = lines.empty() ? -1 : parse_int(lines.front());
  if (slot < 0) throw std::runtime_error("CLUSTER KEYSLOT answered: " + answer.out + answer.err);
  for (const ClusterNodeLine& line : parse_cluster_nodes(cluster_nodes()))
    if (line.master && !line.failed && line.serves(slot)) return line.port;
  throw std::runtime_error("no master serves slot " + std::to_string(slot));
}

void LocalRedisCluster::kill_node(int port) {
  for (const auto& node : nodes_)
    if (node->port() == port) return node->kill();
  throw std::invalid_argument("no cluster node on port " + std::to_string(port));
}

std::string LocalRedisCluster::health_problem() const {
  const std::vector<int> live = live_ports();
  if (live.empty()) return "no node is running";
  for (int port : live) {
    const std::string where = "node " + std::to_string(port) + ": ";
    const Finished info = node(port).cli({"CLUSTER", "INFO"});
    for (const char* want : {"cluster_state:ok", "cluster_slots_assigned:16384", "cluster_slots_ok:16384"})
      if (!contains(info.out, want)) return where + "CLUSTER INFO has no " + want + ":\n" + info.out + info.err;
    // Right after a kill the others still count the dead node as fine:
    // only its slots moving to a live node ends the failover.
    const Finished nodes = node(port).cli({"CLUSTER", "NODES"});
    std::vector<bool> served(kSlots, false);
    bool replica = false;
    for (const ClusterNodeLine& line : parse_cluster_nodes(nodes.out)) {
      if (line.myself) replica = !line.master;
      if (!line.master || line.failed || std::find(live.begin(), live.end(), line.port) == live.end()) continue;
      for (const auto& [first, last] : line.slots)
        for (int slot = first; slot <= last && slot < kSlots; ++slot) served[slot] = true;
    }
    const auto unserved = std::count(served.begin(), served.end(), false);
    if (unserved > 0)
      return where + std::to_string(unserved) + " slots have no live master:\n" + nodes.out + nodes.err;
    // A replica that never synced refuses to take over when its master dies.
    if (replica) {
      const Finished replication = node(port).cli({"INFO", "replication"});
      if (!contains(replication.out, "master_link_status:up"))
        return where + "the replica is not linked to its master:\n" + replication.out + replication.err;
    }
  }
  return "";
}

void LocalRedisCluster::wait_until_healthy(std::chrono::milliseconds timeout) const {
  const auto deadline = steady_clock::now() + timeout;
  for (;;) {
    const std::string problem = health_problem();
    if (problem.empty()) return;
    if (steady_clock::now() > deadline)
      throw std::runtime_error("the Redis cluster is not healthy after " + std::to_string(timeout.count()) +
                               " ms: " + problem);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Finished LocalRedisCluster::cli(int port, const std::vector<std::string>& args) const {
  std::vector<std::string> argv = {"-c"};
  argv.insert(argv.end(), args.begin(), args.end());
  return node(port).cli(argv);
}

}  // namespace bytestore::testing
