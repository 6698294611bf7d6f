#!/bin/bash
# Builds and runs the workbench benchmark; prints the window's CPU % and RSS
# with the log pane and the history page open, against docker logs -f.
# Usage: tests/bench/workbench/run.sh [build-dir] [bench_workbench options]
#   e.g. tests/bench/workbench/run.sh build --seconds 120
set -Eeuo pipefail

main() {
    local here root build
    here=$(cd "$(dirname "$0")" && pwd)
    root=$(cd "$here/../../.." && pwd)
    build=${1:-$root/build}
    [[ $# -gt 0 ]] && shift
    cmake --build "$build" --target bench_workbench -j2
    exec "$build/tests/bench/workbench/bench_workbench" "$@"
}

main "$@"
