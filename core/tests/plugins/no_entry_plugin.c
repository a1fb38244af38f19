/* A shared library named like a plugin, without the entry symbol. */
__attribute__((visibility("default"))) int some_other_symbol(void) { return 1; }
