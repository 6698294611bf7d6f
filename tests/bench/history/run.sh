#!/bin/bash
# Builds and runs the history benchmark; prints the store size, the query
# (cold and warm) and draw times, and the ratio to reading the whole store.
# Usage: tests/bench/history/run.sh [build-dir] [bench_history options]
#   e.g. tests/bench/history/run.sh build --dir /var/tmp/history-store
set -Eeuo pipefail

main() {
    local here root build
    here=$(cd "$(dirname "$0")" && pwd)
    root=$(cd "$here/../../.." && pwd)
    build=${1:-$root/build}
    [[ $# -gt 0 ]] && shift
    cmake --build "$build" --target bench_history -j2
    exec "$build/tests/bench/history/bench_history" "$@"
}

main "$@"
