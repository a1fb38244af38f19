/* A plugin whose open crashes: the host must name it as it dies. Its table
 * is the shortest a plugin may have (it ends at cursor_close), as a plugin
 * built against the first header would be: a host must not read past it. */
#include <bytestore/plugin_abi.h>

#include <signal.h>
#include <stddef.h>

static int crash_open(const bytestore_option_value* options, size_t count, bytestore_instance** out,
                      bytestore_error* error) {
  (void)options;
  (void)count;
  (void)error;
  (void)out;
  raise(SIGSEGV); /* as a stray pointer would, without tripping sanitizers first */
  return BYTESTORE_INTERNAL;
}

/* Never reached: open never returns. */
static void no_close(bytestore_instance* instance) { (void)instance; }
static int no_capabilities(bytestore_instance* i, bytestore_capabilities* c, bytestore_error* e) {
  (void)i, (void)c, (void)e;
  return BYTESTORE_INTERNAL;
}
static int no_mget(bytestore_instance* i, const bytestore_slice* k, size_t n, bytestore_value_sink s,
                   void* sc, bytestore_error* e) {
  (void)i, (void)k, (void)n, (void)s, (void)sc, (void)e;
  return BYTESTORE_INTERNAL;
}
static int no_mset(bytestore_instance* i, const bytestore_slice* k, const bytestore_slice* v, size_t n,
                   bytestore_error* e) {
  (void)i, (void)k, (void)v, (void)n, (void)e;
  return BYTESTORE_INTERNAL;
}
static int no_mdelete(bytestore_instance* i, const bytestore_slice* k, size_t n, bytestore_error* e) {
  (void)i, (void)k, (void)n, (void)e;
  return BYTESTORE_INTERNAL;
}
static int no_cursor_open(bytestore_instance* i, bytestore_slice p, bytestore_cursor** c,
                          bytestore_error* e) {
  (void)i, (void)p, (void)c, (void)e;
  return BYTESTORE_INTERNAL;
}
static int no_cursor_next(bytestore_cursor* c, bytestore_key_sink s, void* sc, int* more,
                          bytestore_error* e) {
  (void)c, (void)s, (void)sc, (void)more, (void)e;
  return BYTESTORE_INTERNAL;
}
static void no_cursor_close(bytestore_cursor* c) { (void)c; }

__attribute__((visibility("default"))) const bytestore_plugin* bytestore_plugin_entry(void) {
  static bytestore_plugin table;
  table.abi_version = BYTESTORE_ABI_VERSION;
  table.struct_size = offsetof(bytestore_plugin, cursor_close) + sizeof table.cursor_close;
  table.name = "crashing";
  table.version = "0.0.1";
  table.open = crash_open;
  table.close = no_close;
  table.capabilities = no_capabilities;
  table.mget = no_mget;
  table.mset = no_mset;
  table.mdelete = no_mdelete;
  table.cursor_open = no_cursor_open;
  table.cursor_next = no_cursor_next;
  table.cursor_close = no_cursor_close;
  return &table;
}
