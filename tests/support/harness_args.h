// The command line of a conformance harness (a program that starts a
// server, writes a config for it and runs bytestore-conformance):
//   HARNESS CONFORMANCE [ARG]... [--option 'k: v']... [--- suite flags]
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace bytestore::testing {

struct HarnessArgs {
  std::vector<std::string> options;      // store option lines, as given
  std::vector<std::string> suite_flags;  // after ---, for the suite
};

// Reads argv[first...]; throws std::invalid_argument naming what it did
// not expect.
inline HarnessArgs parse_harness_args(int argc, char** argv, int first) {
  HarnessArgs args;
  bool suite = false;
  for (int i = first; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "---") {
      suite = true;
    } else if (suite) {
      args.suite_flags.push_back(arg);
    } else if (arg == "--option" && i + 1 < argc) {
      args.options.push_back(argv[++i]);
    } else {
      throw std::invalid_argument("unexpected '" + arg + "'");
    }
  }
  return args;
}

}  // namespace bytestore::testing
