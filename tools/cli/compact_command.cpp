// compact: give the space of deleted data back to the file system.
#include <bytestore/bytestore.hpp>

#include <iostream>

#include "commands.h"
#include "config_locator.h"
#include "key_text.h"

namespace bytestore::cli {

int run_compact(const CommandLine& line) {
  if (!line.operands.empty()) throw UsageError("usage: bytestore compact");
  const LocatedConfig located = locate_config(line.config);
  const std::string name = selected_store(located.config, line.store);
  require_existing_data(located, name);  // compacting nothing must not create it
  const std::string label =
      "store '" + printable(name) + "' (" + printable(located.config.backend(name)) + ")";
  if (!located.config.open(name)->compact()) {
    std::cout << label << ": nothing to compact (it keeps no files of its own)\n";
    return kOk;
  }
  std::cout << label << ": compacted\n";
  return kOk;
}

}  // namespace bytestore::cli
