#!/usr/bin/env bash
# run-fuzzer.sh FUZZER CORPUS_DIR SECONDS ARTIFACT_DIR   (ctest runs it, label fuzz)
# Runs one libFuzzer target for SECONDS on a temporary copy of CORPUS_DIR (so
# the seeds in the tree stay as they are) and fails on any crash, sanitizer
# report, leak or slow input; the input that did it is left in ARTIFACT_DIR.
# Prints the number of executions, which the closing report quotes.
set -Eeuo pipefail

main() {
    if (($# != 4)); then
        printf 'usage: %s FUZZER CORPUS_DIR SECONDS ARTIFACT_DIR\n' "${0##*/}" >&2
        return 2
    fi
    # STEVEDORE_FUZZ_SECONDS in the environment wins over the configured time.
    local fuzzer="$1" corpus="$2" seconds="${STEVEDORE_FUZZ_SECONDS:-$3}" artifacts="$4"
    [[ -x "$fuzzer" ]] || {
        printf 'error: %s is not an executable\n' "$fuzzer" >&2
        return 1
    }
    [[ -d "$corpus" ]] || {
        printf 'error: no seed corpus at %s\n' "$corpus" >&2
        return 1
    }
    local work
    work="$(mktemp -d)"
    # shellcheck disable=SC2064 # expand now: the path is fixed
    trap "rm -rf '$work'" EXIT
    cp -R "$corpus/." "$work/"
    mkdir -p "$artifacts"

    local rc=0
    "$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" >"$work.log" 2>&1 || rc=$?
    local runs
    runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$work.log" | tail -n 1)"
    if ((rc != 0)); then
        tail -n 60 "$work.log" >&2
        rm -f "$work.log"
        printf 'FAILED: %s exited %d after %s executions; the input is in %s\n' \
            "${fuzzer##*/}" "$rc" "${runs:-?}" "$artifacts" >&2
        return 1
    fi
    grep -E '^(INFO: Seed|#[0-9]+[[:space:]]+(INITED|DONE))' "$work.log" || true
    rm -f "$work.log"
    printf '%s: %s executions in %s s, no crash\n' "${fuzzer##*/}" "${runs:-?}" "$seconds"
}

main "$@"
