#include <bytestore/crash_report.hpp>

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>

#include "plugin_call_scope.h"

namespace bytestore {
namespace internal {
namespace {

thread_local const PluginCall* t_current = nullptr;

// Async-signal-safe: only write(2) and strlen.
void put(const char* text) {
  if (text) (void)!write(STDERR_FILENO, text, strlen(text));
}

const char* signal_name(int signal) {
  switch (signal) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
  }
  return "signal";
}

void on_fatal_signal(int signal) {
  if (const PluginCall* call = t_current) {
    put("bytestore: fatal signal ");
    put(signal_name(signal));
    put(" in plugin '");
    put(call->backend);
    put("' (");
    put(call->file);
    put(") during ");
    put(call->operation);
    put("\n");
  }
  // Die of the same signal, with its default action (core dump and all).
  ::signal(signal, SIG_DFL);
  raise(signal);
}

}  // namespace

const PluginCall* current_plugin_call() noexcept { return t_current; }

PluginCallScope::PluginCallScope(const char* backend, const char* file, const char* operation) noexcept
    : call_{backend, file, operation}, outer_(t_current) {
  t_current = &call_;
}

PluginCallScope::~PluginCallScope() { t_current = outer_; }

}  // namespace internal

void install_crash_reporter() {
  static std::atomic<bool> installed{false};
  if (installed.exchange(true)) return;
  // Its own stack, so a stack overflow in a plugin is reported too.
  static char stack[64 * 1024];
  stack_t alternate{};
  alternate.ss_sp = stack;
  alternate.ss_size = sizeof stack;
  sigaltstack(&alternate, nullptr);
  struct sigaction action {};
  action.sa_handler = &internal::on_fatal_signal;
  action.sa_flags = SA_ONSTACK | SA_RESETHAND;
  sigemptyset(&action.sa_mask);
  for (int signal : {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT}) sigaction(signal, &action, nullptr);
}

}  // namespace bytestore
