#include "cli_args.h"

#include <set>

namespace bytestore::cli {
namespace {

// Flags that take a value, per command; every other known flag is a switch.
const std::map<std::string, std::set<std::string>> kValueFlags = {
    {"set", {"--file"}},
    {"keys", {"--prefix"}},
    {"cp", {"--to", "--prefix", "--batch"}},
};
const std::map<std::string, std::set<std::string>> kSwitches = {
    {"get", {"--json"}},
    {"keys", {"--count"}},
    {"cp", {"--skip-invalid"}},
};

}  // namespace

CommandLine parse_command_line(int argc, char** argv) {
  CommandLine line;
  int i = 1;
  // Global options come before the command.
  for (; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw UsageError(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "-c" || arg == "--config") {
      line.config = value();
    } else if (arg.starts_with("--config=")) {
      line.config = arg.substr(9);
    } else if (arg == "-s" || arg == "--store") {
      line.store = value();
    } else if (arg.starts_with("--store=")) {
      line.store = arg.substr(8);
    } else if (arg == "-h" || arg == "--help") {
      line.help = true;
    } else if (arg == "--version") {
      line.version = true;
    } else if (arg.starts_with("-")) {
      throw UsageError("unknown option '" + arg + "'");
    } else {
      break;
    }
  }
  if (i < argc) line.command.push_back(argv[i++]);
  // Commands with a subcommand: `config check`, `completion bash`.
  if (!line.command.empty() && (line.command[0] == "config" || line.command[0] == "completion") &&
      i < argc && argv[i][0] != '-')
    line.command.push_back(argv[i++]);

  const std::string name = line.command.empty() ? "" : line.command[0];
  const auto values = kValueFlags.count(name) ? kValueFlags.at(name) : std::set<std::string>{};
  const auto switches = kSwitches.count(name) ? kSwitches.at(name) : std::set<std::string>{};
  bool flags_done = false;
  for (; i < argc; ++i) {
    std::string arg = argv[i];
    if (flags_done || arg == "-" || !arg.starts_with("-")) {
      line.operands.push_back(arg);
      continue;
    }
    if (arg == "--") {
      flags_done = true;
      continue;
    }
    if (arg == "-h" || arg == "--help") {
      line.help = true;
      continue;
    }
    std::string inline_value;
    bool has_inline = false;
    if (auto eq = arg.find('='); eq != std::string::npos) {
      inline_value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    if (values.count(arg)) {
      if (!has_inline && i + 1 >= argc) throw UsageError(arg + " needs a value");
      line.flags[arg] = has_inline ? inline_value : argv[++i];
    } else if (switches.count(arg) && !has_inline) {
      line.flags[arg] = "";
    } else {
      throw UsageError("unknown option '" + arg + "'" + (name.empty() ? "" : " for '" + name + "'"));
    }
  }
  return line;
}

std::vector<std::string> command_flags(const std::string& command) {
  std::set<std::string> all;
  if (auto it = kValueFlags.find(command); it != kValueFlags.end()) all.insert(it->second.begin(), it->second.end());
  if (auto it = kSwitches.find(command); it != kSwitches.end()) all.insert(it->second.begin(), it->second.end());
  return {all.begin(), all.end()};
}

}  // namespace bytestore::cli
