#!/usr/bin/env bash
# Shared helpers for scripts/run.sh and scripts/test.sh. Sourced, not run.
# Everything a fresh Debian 12 machine needs is installed from here, so a
# clean clone builds and tests with no manual step.

# shellcheck disable=SC2034 # arrays are used by the scripts that source this
BUILD_PACKAGES=(
    cmake ninja-build g++ pkg-config
    qt6-base-dev qt6-base-dev-tools qt6-charts-dev qt6-httpserver-dev qt6-websockets-dev
    libqt6opengl6-dev qt6-svg-dev libgl-dev
    # lupdate/lrelease and CMake's Qt6LinguistTools (docs/translation.md)
    qt6-l10n-tools qt6-tools-dev
    nlohmann-json3-dev libcurl4-openssl-dev libssl-dev
    fonts-dejavu-core
)
# qt6-translations-l10n: Qt's own strings in the user's language.
# shellcheck disable=SC2034
RUNTIME_PACKAGES=(docker.io busybox-static stress cron ca-certificates libssl3 qt6-translations-l10n)
# shellcheck disable=SC2034
TEST_PACKAGES=(
    xvfb xauth shellcheck busybox-static
    qemu-system-x86 linux-image-amd64 linux-headers-amd64 cpio kmod build-essential
    linux-source-6.1 xz-utils
    debootstrap dpkg-dev lintian desktop-file-utils appstream man-db jq
    iproute2 procps psmisc
    # The Docker-over-TLS test (tests/integration/docker/docker-tls-test.sh):
    # socat terminates TLS in front of the Docker socket, openssl makes the CA
    # (there, in tests/integration/receiver/tst_tls and in the fleet test).
    # The fleet test (tests/integration/fleet): ip netns from iproute2, the
    # receivers' answers through curl, the lost answers made with iptables.
    socat openssl curl iptables
    # Podman's Docker-compatible API (tests/integration/podman); the
    # Prometheus server the scrape test runs (tests/integration/prometheus)
    # and its promtool, which checks packaging/prometheus/stevedore-rules.yml.
    podman prometheus
    # The Kubernetes manifests' check (tests/packaging/kubernetes-test.sh);
    # kubectl itself is added below when none is on PATH.
    python3-yaml
    # The sanitizer and fuzzing tree of scripts/test.sh: clang++ with ASan,
    # UBSan and libFuzzer.
    clang-14 libclang-rt-14-dev
    libfuzzer-14-dev
    # The format check (tests/scripts/check-format.sh).
    clang-format-14 git
)

# Debian's kubernetes-client provides kubectl; a kubectl already on PATH
# (e.g. from the Google Cloud SDK) is used as it is, never overwritten.
command -v kubectl >/dev/null 2>&1 || TEST_PACKAGES+=(kubernetes-client)

# The kernel-module VM test boots each kernel the module supports: 6.1
# (TEST_PACKAGES), its PREEMPT_RT flavour and 6.12 from bookworm-backports
# (ensure_test_kernels).
# shellcheck disable=SC2034
KMOD_RT_KERNEL_PACKAGES=(linux-image-rt-amd64 linux-headers-rt-amd64)

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

# ensure_test_kernels: the PREEMPT_RT 6.1 kernel and 6.12 from
# bookworm-backports (image and headers), for tests/kernel. Adds the
# backports suite to apt's sources if missing; pins nothing, so the 6.1
# default kernel stays the default (backports are never picked unasked).
ensure_test_kernels() {
    local list=/etc/apt/sources.list.d/stevedore-bookworm-backports.sources
    ensure_packages "${KMOD_RT_KERNEL_PACKAGES[@]}"
    compgen -G '/boot/vmlinuz-6.12.*-amd64' >/dev/null \
        && compgen -G '/lib/modules/6.12.*-amd64/build' >/dev/null && return 0
    need_root "linux-image-amd64 linux-headers-amd64 from bookworm-backports"
    if ! grep -rqs 'bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
        log "adding bookworm-backports to apt's sources ($list)"
        printf '%s\n' 'Types: deb' 'URIs: http://deb.debian.org/debian' 'Suites: bookworm-backports' \
            'Components: main' 'Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg' >"$list"
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq || die "apt-get update failed"
    # The versioned packages the backports meta-packages depend on, so the
    # bookworm linux-image-amd64/linux-headers-amd64 stay installed.
    local image headers
    image=$(apt-cache depends -t bookworm-backports linux-image-amd64 | awk '/Depends: linux-image-6\.12/ {print $2; exit}')
    headers=$(apt-cache depends -t bookworm-backports linux-headers-amd64 | awk '/Depends: linux-headers-6\.12/ {print $2; exit}')
    [[ -n $image && -n $headers ]] || die "bookworm-backports offers no 6.12 kernel"
    log "installing $image $headers from bookworm-backports"
    apt-get install -y -qq --no-install-recommends -t bookworm-backports "$image" "$headers" >/dev/null \
        || die "apt-get install failed for: $image $headers"
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

# A wedged dockerd accepts the connection and never answers: bound the probe
# so the scripts fail with a message instead of waiting forever.
docker_ready() {
    timeout 15 docker info >/dev/null 2>&1
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
