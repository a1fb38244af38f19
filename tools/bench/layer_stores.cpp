#include "layer_stores.h"

namespace bytestore::bench {

std::string backend_title(Backend backend) {
  return backend == Backend::sqlite ? "Sqlite" : "Lmdb";
}

std::unique_ptr<ByteStoreEngine> open_layered(Backend backend, const std::string& name,
                                              std::string_view layers) {
  const std::string path = (scratch_directory() / ("layer-" + name)).string();
  std::string yaml = "default: " + name + "\nstores:\n  " + name + ": { ";
  if (backend == Backend::sqlite)
    yaml += "backend: sqlite, path: '" + path + ".db', synchronous: normal";
  else
    yaml += "backend: lmdb, path: '" + path + "', map_size: 4GiB, sync: nosync";
  if (!layers.empty()) yaml += ", layers: " + std::string(layers);
  yaml += " }\n";
  return std::make_unique<ByteStoreEngine>(open_yaml(yaml));
}

}  // namespace bytestore::bench
