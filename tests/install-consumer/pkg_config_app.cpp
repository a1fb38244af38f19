// Built with nothing but `pkg-config --cflags --libs bytestore` against the
// installed prefix (tools/test.sh): opens a store and reads a value back.
#include <bytestore/bytestore.hpp>

#include <iostream>

int main() {
  auto store = bytestore::open_yaml("stores: {m: {backend: memory}}\n", "m");
  store->mset({{"k", "read back through pkg-config"}});
  std::cout << *store->mget({"k"})[0] << "\n";
  return 0;
}
