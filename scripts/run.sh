#!/usr/bin/env bash
# Quick start, command 1: installs what is missing, builds, and runs Stevedore:
# the window when a display is available, otherwise the headless service
# (--no-gui). Extra arguments go to stevedore, e.g. scripts/run.sh --once.
# Works without the kernel module: Stevedore then reads cgroup files.
set -Eeuo pipefail

# shellcheck source=lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

main() {
    ensure_packages "${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}"
    build "$STEVEDORE_ROOT/build"
    ensure_docker "${TMPDIR:-/tmp}/stevedore-dockerd.log"
    "$STEVEDORE_ROOT/scripts/build-stress-image.sh" ||
        log "no stress image: spawning will report it; monitoring works regardless"

    local exe="$STEVEDORE_ROOT/build/app/stevedore" args=("$@")
    if ((${#args[@]} == 0)); then
        if [[ -n "${DISPLAY:-}" || -n "${WAYLAND_DISPLAY:-}" ]]; then
            log "starting the Stevedore window"
        else
            log "no display: starting the headless service (stevedore --no-gui); Ctrl+C stops it"
            args=(--no-gui)
        fi
    fi
    exec "$exe" "${args[@]}"
}

main "$@"
