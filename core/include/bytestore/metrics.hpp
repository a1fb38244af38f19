// What the metrics layer measured, for a program to expose.
#pragma once

#include <string>

namespace bytestore {

// The metrics of every store of this process that has a `metrics` layer,
// in the Prometheus text exposition format (the same text the layer's
// `file:` holds); empty when no store has one.
std::string metrics_text();

}  // namespace bytestore
