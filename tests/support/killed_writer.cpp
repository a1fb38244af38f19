#include "killed_writer.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <exception>
#include <stdexcept>
#include <thread>

namespace bytestore::testing {

KilledWriter kill_writer(int acknowledgements, std::chrono::microseconds delay,
                         const std::function<void(const Acknowledge&)>& write) {
  int ack[2];
  if (pipe(ack) != 0) throw std::runtime_error("pipe failed");
  const pid_t child = fork();
  if (child < 0) throw std::runtime_error("fork failed");
  if (child == 0) {
    close(ack[0]);
    try {
      write([fd = ack[1]](int batch) {
        if (::write(fd, &batch, sizeof batch) != sizeof batch) _exit(3);
      });
    } catch (const std::exception& e) {
      std::fprintf(stderr, "writer: %s\n", e.what());
      _exit(4);
    } catch (...) {
      _exit(4);
    }
    _exit(0);
  }
  close(ack[1]);
  KilledWriter result;
  int batch = 0;
  while (result.last_acknowledged + 1 < acknowledgements &&
         read(ack[0], &batch, sizeof batch) == sizeof batch)
    result.last_acknowledged = batch;
  std::this_thread::sleep_for(delay);
  kill(child, SIGKILL);
  // Acknowledgements sent before the kill are still in the pipe.
  while (read(ack[0], &batch, sizeof batch) == sizeof batch) result.last_acknowledged = batch;
  close(ack[0]);
  int status = 0;
  waitpid(child, &status, 0);
  result.killed = WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 0;
  return result;
}

}  // namespace bytestore::testing
