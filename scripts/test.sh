#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, builds, starts what the
# tests need (a Docker engine, the local stress image, a virtual X display)
# and runs the whole suite through ctest. Exits non-zero on any failure.
#   scripts/test.sh [ctest args...]    e.g. scripts/test.sh -L unit
#
# Two build trees:
#   build/           g++, everything; ctest runs every test there.
#   build-sanitize/  clang++ with AddressSanitizer + UndefinedBehaviorSanitizer
#                    and libFuzzer coverage, the core only (no window, charts,
#                    binary or packages): ctest runs the unit and integration
#                    tests again there, then every fuzzer for
#                    STEVEDORE_FUZZ_SECONDS (30) each. STEVEDORE_SANITIZE_TESTS=0
#                    skips this tree (quicker local runs; CI never sets it).
# The time of each step is printed at the end, pass or fail.
set -Eeuo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

STEP_TIMES=()
SUITE_START=$SECONDS

# step NAME COMMAND...: runs the command and records how long it took.
step() {
    local name="$1" start=$SECONDS rc=0
    shift
    "$@" || rc=$?
    STEP_TIMES+=("$(printf '%-52s %4d s%s' "$name" $((SECONDS - start)) "$( ((rc == 0)) || printf ' (failed)')")")
    return "$rc"
}

print_times() {
    ((${#STEP_TIMES[@]} > 0)) || return 0
    log "time per step:"
    local line
    for line in "${STEP_TIMES[@]}"; do
        printf '    %s\n' "$line" >&2
    done
    printf '    %-52s %4d s\n' "total" $((SECONDS - SUITE_START)) >&2
}

cleanup() {
    stop_started_docker
    print_times
}

shellcheck_all() {
    shellcheck -x -P SCRIPTDIR "$STEVEDORE_ROOT"/scripts/*.sh "$STEVEDORE_ROOT"/scripts/lib/*.sh \
        "$STEVEDORE_ROOT/.ci/run" "$STEVEDORE_ROOT"/tests/fuzz/*.sh \
        "$STEVEDORE_ROOT"/tests/scripts/*.sh ||
        die "shellcheck found problems"
}

start_docker_and_image() {
    ensure_docker "$1/dockerd.log"
    "$STEVEDORE_ROOT/scripts/build-stress-image.sh"
}

# Sanitizer reports end the test that triggered them; the small quarantine
# keeps the memory ceilings of the guard tests meaningful under ASan.
run_sanitized_ctest() {
    local dir="$1"
    shift
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1:quarantine_size_mb=32:malloc_context_size=20:abort_on_error=0}" \
        UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}" \
        ctest --test-dir "$dir" --output-on-failure --timeout 900 "$@"
}

# CI keeps only the head and tail of a long log: repeat, after the run, the
# lines that say what failed (QtTest's FAIL!/Loc:, sanitizer and ctest
# verdicts) from ctest's own log of the last run in DIR.
failure_digest() {
    local dir="$1" log="$1/Testing/Temporary/LastTest.log"
    [[ -r "$log" ]] || return 0
    {
        printf '[test.sh] what failed in %s:\n' "$dir"
        grep -E '^(FAIL!|XPASS|QFATAL|   Loc:|   Actual|   Expected|Totals:)|(ERROR|SUMMARY): (Address|UndefinedBehavior|Leak)Sanitizer|runtime error:|Test Failed|Test Fail|Exit code' "$log" |
            grep -vE '^Totals: [0-9]+ passed, 0 failed' | head -n 80
    } >&2 || true
}

main() {
    local build_dir="${STEVEDORE_BUILD_DIR:-$STEVEDORE_ROOT/build}"
    local sanitize_dir="${STEVEDORE_SANITIZE_BUILD_DIR:-$STEVEDORE_ROOT/build-sanitize}"
    local sanitize="${STEVEDORE_SANITIZE_TESTS:-1}"
    trap cleanup EXIT

    step "install packages" ensure_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    step "test kernels" ensure_test_kernels
    log "shellcheck"
    step "shellcheck" shellcheck_all
    step "build (g++, everything)" build "$build_dir"
    step "docker + stress image" start_docker_and_image "$build_dir"
    # The fleet test spends 60 of its 80 s waiting out a receiver's outage:
    # with the whole suite asked for, it runs beside the sanitizer build
    # (which needs the CPU, not the network) and is waited for before the
    # rest, so that no two ctest runs share a build directory's logs.
    local fleet_pid="" fleet_log="$build_dir/fleet-test.log" skip_fleet=()
    if (($# == 0)) && [[ "$sanitize" != 0 ]]; then
        log "running the fleet test beside the sanitizer build (log: $fleet_log)"
        ctest --test-dir "$build_dir" --output-on-failure --timeout 900 -L fleet >"$fleet_log" 2>&1 &
        fleet_pid=$!
        skip_fleet=(-LE fleet)
    fi
    if [[ "$sanitize" != 0 ]]; then
        # -O1 and line tables only: what ASan needs for useful reports, at
        # about half the compile time of RelWithDebInfo's -O2 -g.
        log "building the sanitizer tree (clang++, ASan + UBSan + libFuzzer)"
        step "build (clang++ ASan+UBSan, core + tests + fuzzers)" build "$sanitize_dir" \
            -DCMAKE_CXX_COMPILER=clang++-14 "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -gline-tables-only" \
            -DSTEVEDORE_SANITIZE=ON -DSTEVEDORE_FUZZ=ON -DSTEVEDORE_BUILD_FRONTENDS=OFF
    fi

    log "running the test suite"
    local rc=0
    local digests=()
    if [[ -n "$fleet_pid" ]]; then
        step "ctest (fleet, beside the sanitizer build)" wait "$fleet_pid" ||
            { rc=$?; digests+=("$(failure_digest "$build_dir" 2>&1)"); }
        cat "$fleet_log"
    fi
    # The GUI end-to-end test starts its own Xvfb; the others run offscreen.
    step "ctest (g++ build, all labels)" ctest --test-dir "$build_dir" --output-on-failure --timeout 900 \
        "${skip_fleet[@]}" "$@" || { rc=$?; digests+=("$(failure_digest "$build_dir" 2>&1)"); }
    if [[ "$sanitize" != 0 ]]; then
        log "running the unit and integration tests under ASan + UBSan"
        step "ctest (sanitizer build, unit + integration)" run_sanitized_ctest "$sanitize_dir" \
            -L 'unit|integration' "$@" || { rc=$?; digests+=("$(failure_digest "$sanitize_dir" 2>&1)"); }
        log "running every fuzzer for ${STEVEDORE_FUZZ_SECONDS:-30} s"
        # Each fuzzer is one single-threaded process: two at a time halve
        # the wall time on two cores without shortening any run.
        step "ctest (fuzzers)" run_sanitized_ctest "$sanitize_dir" -L fuzz -j "$(nproc)" "$@" ||
            { rc=$?; digests+=("$(failure_digest "$sanitize_dir" 2>&1)"); }
    fi
    if ((rc != 0)); then
        printf '%s\n' "${digests[@]}" >&2
        log "tests FAILED (ctest exit $rc)"
        return "$rc"
    fi
    log "all tests passed"
}

main "$@"
