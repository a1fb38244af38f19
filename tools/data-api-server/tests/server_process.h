// Starts bytestore-data-api-server as a child process, reads the port from
// its "listening on 127.0.0.1:PORT" line, and stops it (SIGTERM) when
// destroyed. Its stderr goes to a file the test can read.
#pragma once

#include <string>
#include <vector>

namespace bytestore::dataapi::testing {

class ServerProcess {
 public:
  // Throws std::runtime_error when the server does not start.
  explicit ServerProcess(const std::vector<std::string>& args);
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  unsigned short port() const { return port_; }
  const std::string& listening_line() const { return line_; }
  // Sends SIGTERM and waits; the exit status (128 + signal when killed).
  int stop();
  // Everything the server wrote on stderr so far.
  std::string stderr_text() const;

 private:
  int pid_ = -1;
  unsigned short port_ = 0;
  std::string line_;
  std::string stderr_path_;
};

}  // namespace bytestore::dataapi::testing
