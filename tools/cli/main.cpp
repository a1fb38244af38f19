// bytestore: use, inspect and move any store from the shell.
#include <bytestore/bytestore.hpp>

#include <iostream>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli_args.h"
#include "commands.h"

namespace bytestore::cli {
namespace {

constexpr const char* kHelp = R"(usage: bytestore [-c FILE] [-s STORE] COMMAND [ARGS]

Use, inspect and move key -> bytes stores.

Commands:
  set KEY [VALUE]         store VALUE (or stdin when VALUE is absent or -, or --file PATH)
  get KEY                 print the value's raw bytes; --json KEY... prints JSON lines
  del KEY...              delete keys (missing keys are fine)
  keys [--prefix P]       list keys, one per line (--count: just how many)
  cp --to STORE           copy every key (--prefix P) into another store (--batch N, --skip-invalid)
  backends                the plugins found (backends and layers), capabilities and options
  config check | show | stores
                          validate the config | print it with secrets redacted | list its stores
  info                    the version, config, store, backend and where the data is
  compact                 give the space of deleted data back to the file system
  completion bash         a bash completion script: source <(bytestore completion bash)

Options:
  -c, --config FILE   the config (else $BYTESTORE_CONFIG, else ./bytestore.yaml,
                      else a SQLite store at ${XDG_DATA_HOME:-~/.local/share}/bytestore/default.db)
  -s, --store NAME    the store (else the config's default)
  -h, --help          this help; COMMAND --help for a command's
      --version       print "bytestore VERSION"

Exit codes: 0 success, 1 key not found, 2 usage or config error, 3 store error.
)";

const std::map<std::string, std::string> kCommandHelp = {
    {"set", "usage: bytestore set KEY [VALUE | -]\n       bytestore set KEY --file PATH\n"
            "Stores VALUE under KEY. Without VALUE, or with -, the value is read from stdin\n"
            "byte for byte.\n"},
    {"get", "usage: bytestore get KEY\n       bytestore get --json KEY...\n"
            "Prints KEY's value exactly, nothing added. A missing key prints 'not found: KEY'\n"
            "on stderr and exits 1. --json prints one {\"key\",\"value\"} object per key, the\n"
            "value base64-encoded or null, and exits 1 if any key is missing.\n"
            "A key is UTF-8 text of at least one byte; any other is a usage error (exit 2).\n"},
    {"del", "usage: bytestore del KEY...\nDeletes the keys; missing keys are not an error.\n"},
    {"keys", "usage: bytestore keys [--prefix P] [--count]\n"
             "Lists the keys starting with P (all without it), one per line, streamed.\n"
             "--count prints only how many there are.\n"},
    {"cp", "usage: bytestore [-s FROM] cp --to STORE [--prefix P] [--batch N] [--skip-invalid]\n"
           "Copies every key (or those starting with P) of the selected store into STORE of\n"
           "the same config, N keys at a time (default 500), overwriting what is there.\n"
           "Shows progress on a terminal and a one-line summary at the end.\n"
           "A key or value STORE refuses (too long, say) stops the copy with the key and how\n"
           "many keys were copied (exit 3); --skip-invalid copies the rest instead and names\n"
           "the first keys skipped.\n"},
    {"backends", "usage: bytestore backends\nLists the plugins found (with --config, also in its "
                 "plugin_dirs): backends\nwith their capabilities, layers marked as such, and every "
                 "option with type,\ndefault and doc.\n"},
    {"config", "usage: bytestore config check | show | stores\n"
               "check: loads every store's plugin and validates its options, opening nothing.\n"
               "show: prints the config as it is loaded: ${VAR}s resolved, paths absolute,\n"
               "defaults filled in, sizes and durations with units; it loads again unchanged.\n"
               "A secret written as ${VAR} is shown as written, any other as <redacted>.\n"
               "stores: prints the store names, one per line.\n"},
    {"completion", "usage: bytestore completion bash\n"
                   "Prints a bash completion script for commands, options and store names:\n"
                   "  source <(bytestore completion bash)\n"
                   "or save it as ~/.local/share/bash-completion/completions/bytestore.\n"},
    {"info", "usage: bytestore info\nPrints the version, which config and store are in use, the "
             "backend, where the\nstore keeps its data (absolute path, or URL and collection) and "
             "its capabilities.\nA SQLite or LMDB store with no data yet is named and exits 3; "
             "nothing is created.\n"},
    {"compact", "usage: bytestore compact\n"
                "Gives the space of deleted data back to the file system: SQLite runs VACUUM,\n"
                "LMDB writes a compacting copy and swaps it in by rename (refused, exit 3, while\n"
                "another process has the environment open). Keys and values are unchanged;\n"
                "other users of the store wait until it is done. Stores without files of their\n"
                "own have nothing to compact.\n"},
};

std::vector<std::string> command_names() {
  std::vector<std::string> names;
  for (const auto& [name, help] : kCommandHelp) names.push_back(name);
  return names;
}

int dispatch(const CommandLine& line) {
  using Command = int (*)(const CommandLine&);
  static const std::map<std::string, Command> commands = {
      {"set", run_set},   {"get", run_get},           {"del", run_del},
      {"keys", run_keys}, {"cp", run_cp},             {"backends", run_backends},
      {"config", run_config}, {"info", run_info}, {"compact", run_compact},
      {"completion", [](const CommandLine& l) { return run_completion(l, command_names()); }},
  };
  if (line.version) {
    std::cout << "bytestore " << BYTESTORE_VERSION << '\n';
    return kOk;
  }
  if (line.command.empty()) {
    std::cout << kHelp;
    return line.help ? kOk : kUsage;
  }
  const auto it = commands.find(line.command[0]);
  if (it == commands.end()) throw UsageError("unknown command '" + line.command[0] + "'; see bytestore --help");
  if (line.help) {
    std::cout << kCommandHelp.at(line.command[0]);
    return kOk;
  }
  return it->second(line);
}

}  // namespace
}  // namespace bytestore::cli

int main(int argc, char** argv) {
  using namespace bytestore::cli;
  bytestore::install_crash_reporter();
  try {
    return dispatch(parse_command_line(argc, argv));
  } catch (const UsageError& e) {
    std::cerr << "bytestore: " << e.what() << '\n';
    return kUsage;
  } catch (const bytestore::Error& e) {
    // One line per problem (config check reports every bad store).
    std::string_view message = e.what();
    for (std::size_t end; (end = message.find('\n')) != std::string_view::npos; message.remove_prefix(end + 1))
      std::cerr << "bytestore: " << message.substr(0, end) << '\n';
    std::cerr << "bytestore: " << message << '\n';
    const bool config_problem = e.code() == bytestore::Errc::config || e.code() == bytestore::Errc::plugin;
    return config_problem ? kUsage : kStoreError;
  } catch (const std::exception& e) {
    std::cerr << "bytestore: " << e.what() << '\n';
    return kStoreError;
  }
}
