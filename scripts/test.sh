#!/usr/bin/env bash
# Quick start, command 2: installs what is missing, builds, starts what the
# tests need (a Docker engine, the local stress image, a virtual X display)
# and runs the whole suite through ctest. Exits non-zero on any failure.
#   scripts/test.sh [ctest args...]    e.g. scripts/test.sh -L unit
set -Eeuo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

cleanup() {
    stop_started_docker
}

main() {
    local build_dir="${STEVEDORE_BUILD_DIR:-$STEVEDORE_ROOT/build}"
    ensure_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    ensure_test_kernels

    log "shellcheck"
    shellcheck -x -P SCRIPTDIR "$STEVEDORE_ROOT"/scripts/*.sh "$STEVEDORE_ROOT"/scripts/lib/*.sh "$STEVEDORE_ROOT/.ci/run" ||
        die "shellcheck found problems"

    build "$build_dir"

    trap cleanup EXIT
    ensure_docker "$build_dir/dockerd.log"
    "$STEVEDORE_ROOT/scripts/build-stress-image.sh"

    log "running the test suite"
    local rc=0
    # The GUI end-to-end test starts its own Xvfb; the others run offscreen.
    ctest --test-dir "$build_dir" --output-on-failure --timeout 900 "$@" || rc=$?
    if ((rc != 0)); then
        log "tests FAILED (ctest exit $rc)"
        return "$rc"
    fi
    log "all tests passed"
}

main "$@"
