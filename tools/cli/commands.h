// The `bytestore` commands. Each returns the process exit code and throws
// bytestore::Error or UsageError for main() to report.
#pragma once

#include <string>
#include <vector>

#include "cli_args.h"

namespace bytestore::cli {

// Exit codes, as documented in --help.
enum ExitCode : int { kOk = 0, kNotFound = 1, kUsage = 2, kStoreError = 3 };

int run_set(const CommandLine& line);
int run_get(const CommandLine& line);
int run_del(const CommandLine& line);
int run_keys(const CommandLine& line);
int run_cp(const CommandLine& line);
int run_backends(const CommandLine& line);
int run_config(const CommandLine& line);
int run_info(const CommandLine& line);
int run_compact(const CommandLine& line);
// `commands`: every command name, for the script to offer.
int run_completion(const CommandLine& line, const std::vector<std::string>& commands);

}  // namespace bytestore::cli
