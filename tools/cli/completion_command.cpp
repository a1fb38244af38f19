// `bytestore completion bash`: a bash completion script, built from the
// CLI's own tables of commands and flags so it cannot fall behind them.
// Store names come from `bytestore config stores` at completion time.
#include <iostream>
#include <sstream>

#include "commands.h"

namespace bytestore::cli {
namespace {

std::string joined(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::string bash_script(const std::vector<std::string>& commands) {
  std::ostringstream s;
  s << R"bash(# bash completion for bytestore: source <(bytestore completion bash)
_bytestore() {
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
  local i cmd= cmd_at=0 config=()
  for ((i = 1; i < COMP_CWORD; i++)); do
    case ${COMP_WORDS[i]} in
      -c|--config) config=(--config "${COMP_WORDS[i+1]}"); ((i++)) ;;
      -s|--store) ((i++)) ;;
      -*) ;;
      *) cmd=${COMP_WORDS[i]}; cmd_at=$i; break ;;
    esac
  done
  case $prev in
    -c|--config|--file) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    -s|--store|--to)
      COMPREPLY=($(compgen -W "$("${COMP_WORDS[0]}" "${config[@]}" config stores 2>/dev/null)" -- "$cur"))
      return ;;
  esac
  if [[ -z $cmd ]]; then
    if [[ $cur == -* ]]; then
      COMPREPLY=($(compgen -W "-c --config -s --store -h --help" -- "$cur"))
    else
      COMPREPLY=($(compgen -W ")bash" << joined(commands) << R"bash(" -- "$cur"))
    fi
    return
  fi
  local flags
  case $cmd in
)bash";
  for (const std::string& command : commands) {
    std::vector<std::string> flags = command_flags(command);
    flags.push_back("--help");
    s << "    " << command << ") flags=\"" << joined(flags) << "\" ;;\n";
  }
  s << R"bash(  esac
  if ((COMP_CWORD == cmd_at + 1)); then
    case $cmd in
      config) COMPREPLY=($(compgen -W "check show stores" -- "$cur")); return ;;
      completion) COMPREPLY=($(compgen -W "bash" -- "$cur")); return ;;
    esac
  fi
  if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$flags" -- "$cur")); fi
}
complete -o default -F _bytestore bytestore
)bash";
  return s.str();
}

}  // namespace

int run_completion(const CommandLine& line, const std::vector<std::string>& commands) {
  if (line.command.size() != 2 || line.command[1] != "bash" || !line.operands.empty())
    throw UsageError("usage: bytestore completion bash");
  std::cout << bash_script(commands);
  return kOk;
}

}  // namespace bytestore::cli
