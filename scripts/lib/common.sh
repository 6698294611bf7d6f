#!/usr/bin/env bash
# Shared helpers for scripts/run.sh and scripts/test.sh. Sourced, not run.
# Everything a fresh Debian 12 machine needs is installed from here, so a
# clean clone builds and tests with no manual step.

# shellcheck disable=SC2034 # arrays are used by the scripts that source this
BUILD_PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
    libqt6opengl6-dev qt6-svg-dev libgl-dev
    nlohmann-json3-dev libcurl4-openssl-dev
    fonts-dejavu-core
)
# shellcheck disable=SC2034
RUNTIME_PACKAGES=(docker.io busybox-static stress cron ca-certificates)
# shellcheck disable=SC2034
TEST_PACKAGES=(
    xvfb xauth shellcheck busybox-static
    qemu-system-x86 linux-image-amd64 linux-headers-amd64 cpio kmod build-essential
    linux-source-6.1 xz-utils
    debootstrap dpkg-dev lintian desktop-file-utils appstream man-db jq
    iproute2 procps psmisc
)

STEVEDORE_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
readonly STEVEDORE_ROOT

log() {
    printf '[%s] %s\n' "${0##*/}" "$*" >&2
}

die() {
    printf '[%s] error: %s\n' "${0##*/}" "$*" >&2
    exit 1
}

need_root() {
    if ((EUID != 0)); then
        die "run as root (it installs Debian packages and starts dockerd), or install them yourself: $*"
    fi
}

# ensure_packages PKG...: installs the packages that are not installed yet.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
            missing+=("$pkg")
        fi
    done
    ((${#missing[@]} == 0)) && return 0
    need_root "${missing[*]}"
    log "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
        die "apt-get install failed for: ${missing[*]}"
}

# build [BUILD_DIR] [CMAKE_ARGS...]: configures (once) and builds everything.
build() {
    local dir="${1:-$STEVEDORE_ROOT/build}"
    shift || true
    if [[ ! -f "$dir/CMakeCache.txt" ]]; then
        cmake -S "$STEVEDORE_ROOT" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null ||
            die "cmake configure failed"
    fi
    cmake --build "$dir" -j "$(nproc)" || die "build failed"
}

docker_ready() {
    docker info >/dev/null 2>&1
}

# wait_for_docker SECONDS
wait_for_docker() {
    local deadline=$((SECONDS + $1))
    while ((SECONDS < deadline)); do
        docker_ready && return 0
        sleep 0.5
    done
    return 1
}

# ensure_docker LOGFILE: makes a Docker engine reachable. Uses systemd when it
# runs the machine, otherwise starts dockerd in the background (detached from
# our stdout so CI's pipes close). Sets STARTED_DOCKERD_PID when it started one.
STARTED_DOCKERD_PID=""
ensure_docker() {
    local logfile="$1"
    docker_ready && return 0
    ensure_packages docker.io
    if [[ -d /run/systemd/system ]] && systemctl start docker >/dev/null 2>&1 && wait_for_docker 30; then
        return 0
    fi
    log "starting dockerd (log: $logfile)"
    setsid dockerd >"$logfile" 2>&1 </dev/null &
    STARTED_DOCKERD_PID=$!
    if wait_for_docker 30; then
        return 0
    fi
    # Some sandboxes cannot create the default bridge or iptables rules.
    log "dockerd did not come up; retrying with --bridge=none --iptables=false"
    kill "$STARTED_DOCKERD_PID" 2>/dev/null || true
    wait "$STARTED_DOCKERD_PID" 2>/dev/null || true
    rm -f /var/run/docker.pid
    setsid dockerd --bridge=none --iptables=false >>"$logfile" 2>&1 </dev/null &
    STARTED_DOCKERD_PID=$!
    wait_for_docker 30 || die "cannot start dockerd; see $logfile"
}

stop_started_docker() {
    [[ -n "$STARTED_DOCKERD_PID" ]] || return 0
    log "stopping the dockerd this script started"
    kill "$STARTED_DOCKERD_PID" 2>/dev/null || true
    local i
    for i in $(seq 1 40); do
        kill -0 "$STARTED_DOCKERD_PID" 2>/dev/null || break
        sleep 0.25
    done
    STARTED_DOCKERD_PID=""
}
