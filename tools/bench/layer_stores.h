// The stores the layer benchmarks open: one file per store in the scratch
// directory, with the same durability settings as the engine suites
// (SQLite WAL with synchronous = NORMAL; LMDB without fsync), and the
// layers as YAML, first listed outermost.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "engine.h"
#include "shared_engine.h"
#include "workload.h"

namespace bytestore::bench {

enum class Backend { sqlite, lmdb };

inline constexpr Backend kLayerBackends[] = {Backend::sqlite, Backend::lmdb};

// "Sqlite" or "Lmdb", as in the benchmark names.
std::string backend_title(Backend backend);

// Opens store `name` of `backend` in its own file, with `layers` (a YAML
// flow sequence such as "[ { layer: metrics } ]", empty for none).
std::unique_ptr<ByteStoreEngine> open_layered(Backend backend, const std::string& name,
                                              std::string_view layers);

}  // namespace bytestore::bench
