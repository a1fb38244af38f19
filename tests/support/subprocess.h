// Runs a program as a user would from a shell: argv, stdin bytes and
// environment in; exit code, stdout and stderr bytes out.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace bytestore::testing {

struct Finished {
  int exit_code = -1;  // 128 + signal when killed
  std::string out;
  std::string err;
  long max_rss_kib = 0;  // the child's peak resident memory
};

// `env` entries are set (or, with an empty value, unset) on top of the
// current environment.
Finished run_program(const std::vector<std::string>& argv, const std::string& input = {},
                     const std::map<std::string, std::string>& env = {});

}  // namespace bytestore::testing
