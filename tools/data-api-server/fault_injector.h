// Decides, request by request, which failure (if any) the server injects:
// first the failures scheduled through /_test/config ({"fault": F,
// "next": K} fails the next K requests with F), then a random draw at
// fail_rate among fail_modes. With a seed the draw is deterministic: the
// same seed and the same sequence of requests give the same failures.
#pragma once

#include <boost/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>

#include "knobs.h"

namespace bytestore::dataapi {

class FaultInjector {
 public:
  FaultInjector();

  // Restarts the random sequence from `seed` (from the OS when absent).
  void reseed(std::optional<std::uint64_t> seed);
  // The next `count` requests fail with `fault`; replaces what was scheduled.
  void schedule(Fault fault, std::size_t count);

  // The failure for the next request; kNone for an ordinary answer.
  Fault next(const Knobs& knobs);

  // {"fault": name, "next": remaining} or null.
  boost::json::value scheduled_json() const;

 private:
  std::mt19937_64 rng_;
  Fault scheduled_ = Fault::kNone;
  std::size_t remaining_ = 0;
};

}  // namespace bytestore::dataapi
