// Marks the thread as inside a plugin call, for the crash reporter. The
// strings are owned by the plugin's PluginInfo, which lives for the life of
// the process, so a signal handler may read them.
#pragma once

namespace bytestore::internal {

struct PluginCall {
  const char* backend;
  const char* file;
  const char* operation;
};

// The innermost plugin call of this thread, or nullptr.
const PluginCall* current_plugin_call() noexcept;

class PluginCallScope {
 public:
  PluginCallScope(const char* backend, const char* file, const char* operation) noexcept;
  ~PluginCallScope();
  PluginCallScope(const PluginCallScope&) = delete;
  PluginCallScope& operator=(const PluginCallScope&) = delete;

 private:
  PluginCall call_;
  const PluginCall* outer_;
};

}  // namespace bytestore::internal
