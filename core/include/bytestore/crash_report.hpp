// Naming the plugin when a process dies inside one.
#pragma once

namespace bytestore {

// Installs handlers for SIGSEGV, SIGBUS, SIGILL, SIGFPE and SIGABRT that,
// when the signal arrives while a thread is inside a plugin call, write one
// line to stderr naming the signal, the backend, its file and the call
// (e.g. "bytestore: fatal signal SIGSEGV in plugin 'x' (/p/bytestore-x.so)
// during open"), then let the signal end the process as it would have.
// For programs, not libraries: it replaces existing handlers. Idempotent.
void install_crash_reporter();

}  // namespace bytestore
