# Sourced by test.sh and package.sh: ccache for the builds that share
# flags, its cache in build/ccache. Paths are hashed relative to the
# source tree (CCACHE_BASEDIR) and the build directory is not hashed, so
# two build trees at the same depth share objects. Sets ccache_flags, the
# cmake arguments; empty without ccache.
ccache_flags=()
if command -v ccache >/dev/null; then
  export CCACHE_DIR=${CCACHE_DIR:-$root/build/ccache} CCACHE_BASEDIR=$root CCACHE_NOHASHDIR=1
  ccache_flags=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
fi
