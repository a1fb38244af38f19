// bytestore-bench: Google Benchmark's command line; the stores the
// benchmarks opened are closed and their files removed after the run.
#include <benchmark/benchmark.h>

#include "shared_engine.h"

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  bytestore::bench::close_engines_and_scratch();
  return 0;
}
