// The command line of `bytestore`: global options, the command, and its
// own flags and operands.
#pragma once

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace bytestore::cli {

// A usage mistake; main() prints it and exits 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct CommandLine {
  std::optional<std::string> config;  // -c/--config
  std::optional<std::string> store;   // -s/--store
  bool help = false;
  bool version = false;  // --version: print "bytestore VERSION"
  std::vector<std::string> command;   // e.g. {"config", "show"} or {"get"}
  std::map<std::string, std::string> flags;  // "--prefix" -> "p"; switches -> ""
  std::vector<std::string> operands;

  bool has(const std::string& flag) const { return flags.count(flag) > 0; }
  std::optional<std::string> flag(const std::string& name) const {
    auto it = flags.find(name);
    if (it == flags.end()) return std::nullopt;
    return it->second;
  }
};

// Parses argv. Flags that take a value are listed per command; "--" ends
// flags, so keys that start with "-" can be given. Throws UsageError.
CommandLine parse_command_line(int argc, char** argv);

// The flags `command` accepts, value-taking and switches, sorted.
std::vector<std::string> command_flags(const std::string& command);

}  // namespace bytestore::cli
