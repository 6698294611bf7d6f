#!/bin/sh
# Builds and runs the GUI benchmark; prints CPU %, RSS and the compressed-run
# RSS curve. Usage: tests/bench/gui/run.sh [build-dir] [bench_gui options]
#   e.g. tests/bench/gui/run.sh build --seconds 120 --ticks 100000
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
build=${1:-$root/build}
[ $# -gt 0 ] && shift
cmake --build "$build" --target bench_gui -j2
exec "$build/tests/bench/gui/bench_gui" "$@"
