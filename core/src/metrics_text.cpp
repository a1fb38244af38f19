#include <bytestore/error.hpp>
#include <bytestore/metrics.hpp>

#include <cstddef>

#include "plugin_call_scope.h"
#include "plugin_library.h"

namespace bytestore {

std::string metrics_text() {
  std::string text;
  for (const auto& library : internal::PluginLibrary::loaded()) {
    const bytestore_plugin& table = library->table();
    if (!internal::table_has(table, offsetof(bytestore_plugin, report_metrics)) || !table.report_metrics)
      continue;
    auto sink = [](void* out, const char* data, std::size_t size) {
      static_cast<std::string*>(out)->append(data, size);
    };
    std::string message;
    bytestore_error error{&message, [](void* m, const char* data, std::size_t size) {
                            static_cast<std::string*>(m)->assign(data, size);
                          }};
    const internal::PluginCallScope scope(library->info().backend.c_str(), library->file_c_str(),
                                          "report_metrics");
    if (table.report_metrics(sink, &text, &error) != BYTESTORE_OK)
      throw Error(Errc::internal, library->info().backend + ": " + message);
  }
  return text;
}

}  // namespace bytestore
