#!/usr/bin/env bash
# Builds and runs the receiver benchmark: POST /logs throughput and p50/p99
# latency at 0, 10k and 100k stored entries, Stevedore vs the original's
# rewrite-the-whole-array design, printed side by side with ratios.
#   tests/bench/receiver/run-bench.sh [BUILD_DIR] [-- bench args: requests original-budget-seconds]
set -euo pipefail
root="$(cd "$(dirname "$0")/../../.." && pwd)"
build="${1:-$root/build-bench}"
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" --target bench_receiver -j2 >/dev/null
exec "$build/tests/bench/receiver/bench_receiver" "$@"
