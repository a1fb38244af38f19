#include "local_data_api_server.h"

#include <curl/curl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "subprocess.h"

namespace bytestore::testing {
namespace json = boost::json;

TestCertificate::TestCertificate() {
  const Finished made = run_program({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                                     "-keyout", key_file(), "-out", cert_file(), "-days", "2", "-subj",
                                     "/CN=localhost", "-addext",
                                     "subjectAltName=DNS:localhost,IP:127.0.0.1"});
  if (made.exit_code != 0) throw std::runtime_error("openssl req failed: " + made.err);
}

LocalDataApiServer::LocalDataApiServer(const std::string& binary, std::vector<std::string> flags,
                                       std::shared_ptr<const TestCertificate> tls)
    : tls_(std::move(tls)) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  flags.insert(flags.begin(), {binary, "--port", "0", "--token", kToken});
  if (tls_) flags.insert(flags.end(), {"--tls-cert", tls_->cert_file(), "--tls-key", tls_->key_file()});
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    std::vector<char*> argv;
    for (std::string& f : flags) argv.push_back(f.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  // The server's first line: "listening on 127.0.0.1:PORT".
  std::string line;
  char c;
  while (read(out[0], &c, 1) == 1 && c != '\n') line += c;
  close(out[0]);
  if (std::sscanf(line.c_str(), "listening on 127.0.0.1:%d", &port_) != 1) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
    throw std::runtime_error("the Data API server did not start: '" + line + "'");
  }
}

LocalDataApiServer::~LocalDataApiServer() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
}

std::string LocalDataApiServer::endpoint() const {
  return (tls_ ? "https://localhost:" : "http://127.0.0.1:") + std::to_string(port_);
}

namespace {

std::size_t collect(char* data, std::size_t size, std::size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

}  // namespace

json::value LocalDataApiServer::http(const std::string& method, const std::string& path,
                                     const std::string& body, bool with_token) const {
  CURL* curl = curl_easy_init();
  std::string response;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  if (with_token) headers = curl_slist_append(headers, (std::string("Token: ") + kToken).c_str());
  const std::string url = endpoint() + path;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &collect);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
  const std::string ca = ca_file();
  if (!ca.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  if (method == "POST") {
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  }
  const CURLcode rc = curl_easy_perform(curl);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK) throw std::runtime_error(std::string("HTTP to the test server failed: ") + curl_easy_strerror(rc));
  json::error_code ec;
  json::value parsed = json::parse(response, ec);
  if (ec) throw std::runtime_error("the test server answered non-JSON: " + response.substr(0, 200));
  return parsed;
}

json::value LocalDataApiServer::command(const std::string& path, const json::object& body) const {
  return http("POST", "/v1/" + path, json::serialize(body), true);
}

json::object LocalDataApiServer::stats() const {
  return http("GET", "/_test/stats", "", false).as_object();
}

void LocalDataApiServer::reset_stats() const { http("POST", "/_test/reset-stats", "{}", false); }

void LocalDataApiServer::configure(const json::object& knobs) const {
  http("POST", "/_test/config", json::serialize(knobs), false);
}

std::uint64_t LocalDataApiServer::count(const std::string& name) const {
  const json::object s = stats();
  const json::value* commands = s.if_contains("commands");
  if (!commands || !commands->is_object()) return 0;
  const json::value* n = commands->as_object().if_contains(name);
  return n ? n->to_number<std::uint64_t>() : 0;
}

}  // namespace bytestore::testing
