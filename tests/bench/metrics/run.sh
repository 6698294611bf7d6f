#!/usr/bin/env bash
# Benchmark (not a test): one collection tick of Stevedore's cgroup source vs
# `docker stats --no-stream`, with 30 and 100 idle labelled containers.
#   tests/bench/metrics/run.sh [BUILD_DIR] [COUNT...]
set -Eeuo pipefail

die() {
    printf 'bench: %s\n' "$*" >&2
    exit 1
}

RUN_ID="bench-$$-$RANDOM"

cleanup() {
    local ids
    ids="$(docker ps -aq --filter "label=stevedore.bench=$RUN_ID")"
    if [[ -n "$ids" ]]; then
        # shellcheck disable=SC2086 # one id per word
        docker rm -f $ids >/dev/null
    fi
}

main() {
    local root build counts
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
    build="${1:-$root/build}"
    shift || true
    counts=("$@")
    ((${#counts[@]})) || counts=(30 100)
    local exe="$build/tests/bench/metrics/bench_collect"
    [[ -x "$exe" ]] || die "build first: cmake --build $build --target bench_collect"
    docker info >/dev/null 2>&1 || die "no Docker engine"
    "$root/scripts/build-stress-image.sh" >/dev/null

    trap cleanup EXIT
    local have=0 target ids=()
    for target in "${counts[@]}"; do
        while ((have < target)); do
            ids+=("$(docker run -d --network none --label "stevedore.bench=$RUN_ID" \
                --label stevedore.managed=true containerstack/alpine-stress sh -c 'exec sleep 100000')")
            have=$((have + 1))
        done
        "$exe" 20 "${ids[@]}"
    done
}

main "$@"
