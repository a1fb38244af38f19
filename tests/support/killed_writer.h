// A writer process killed with SIGKILL at a random moment: the shape of
// every crash test. The child writes batch after batch and acknowledges
// each one once the store returned; what was acknowledged must survive.
#pragma once

#include <chrono>
#include <functional>

namespace bytestore::testing {

// Called in the child with the batch number just made durable.
using Acknowledge = std::function<void(int batch)>;

struct KilledWriter {
  int last_acknowledged = -1;  // -1: no batch was acknowledged
  bool killed = false;         // false: the child ended on its own
  int exit_code = 0;           // when it ended on its own (3: lost the pipe, 4: threw)
};

// Forks a child running `write(acknowledge)`, which should write batches
// 0, 1, 2, ... until killed. The parent waits until `acknowledgements`
// batches are acknowledged (or the child ends), waits `delay` more, kills
// the child with SIGKILL and collects every acknowledgement it sent.
// An exception in the child ends it with exit code 4, its message on stderr.
KilledWriter kill_writer(int acknowledgements, std::chrono::microseconds delay,
                         const std::function<void(const Acknowledge&)>& write);

}  // namespace bytestore::testing
