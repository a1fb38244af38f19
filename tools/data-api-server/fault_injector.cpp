#include "fault_injector.h"

namespace bytestore::dataapi {

FaultInjector::FaultInjector() { reseed(std::nullopt); }

void FaultInjector::reseed(std::optional<std::uint64_t> seed) {
  if (seed) {
    rng_.seed(*seed);
  } else {
    std::random_device device;
    rng_.seed((static_cast<std::uint64_t>(device()) << 32) ^ device());
  }
}

void FaultInjector::schedule(Fault fault, std::size_t count) {
  scheduled_ = fault;
  remaining_ = fault == Fault::kNone ? 0 : count;
}

Fault FaultInjector::next(const Knobs& knobs) {
  if (remaining_ > 0) {
    --remaining_;
    return scheduled_;
  }
  if (knobs.fail_rate <= 0 || knobs.fail_modes.empty()) return Fault::kNone;
  // Fixed arithmetic instead of std distributions, whose results differ
  // between standard libraries: the same seed fails the same requests.
  const double draw = static_cast<double>(rng_() >> 11) * 0x1.0p-53;
  const std::uint64_t pick = rng_();
  if (draw >= knobs.fail_rate) return Fault::kNone;
  return knobs.fail_modes[pick % knobs.fail_modes.size()];
}

boost::json::value FaultInjector::scheduled_json() const {
  if (remaining_ == 0) return nullptr;
  return boost::json::object{{"fault", fault_name(scheduled_)}, {"next", remaining_}};
}

}  // namespace bytestore::dataapi
