#include "server_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace bytestore::dataapi::testing {

ServerProcess::ServerProcess(const std::vector<std::string>& args) {
  char path_template[] = "/tmp/data-api-server-stderr-XXXXXX";
  const int err_fd = mkstemp(path_template);
  if (err_fd < 0) throw std::runtime_error("cannot create a stderr file");
  stderr_path_ = path_template;
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    dup2(err_fd, STDERR_FILENO);
    close(out[0]);
    close(out[1]);
    close(err_fd);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  close(err_fd);
  // Read the first line, waiting at most 10 s.
  std::string text;
  pollfd p{out[0], POLLIN, 0};
  while (text.find('\n') == std::string::npos && poll(&p, 1, 10000) > 0) {
    char buf[256];
    const auto n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
  }
  close(out[0]);
  line_ = text.substr(0, text.find('\n'));
  const std::string prefix = "listening on 127.0.0.1:";
  if (line_.rfind(prefix, 0) != 0) {
    stop();
    throw std::runtime_error("server did not start: '" + text + "' " + stderr_text());
  }
  port_ = static_cast<unsigned short>(std::stoi(line_.substr(prefix.size())));
}

ServerProcess::~ServerProcess() {
  stop();
  if (!stderr_path_.empty()) unlink(stderr_path_.c_str());
}

int ServerProcess::stop() {
  if (pid_ <= 0) return 0;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string ServerProcess::stderr_text() const {
  std::ifstream in(stderr_path_);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace bytestore::dataapi::testing
