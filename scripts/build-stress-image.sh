#!/usr/bin/env bash
# Builds a local stand-in for containerstack/alpine-stress when no registry can
# be reached: a FROM-scratch image holding busybox-static (for `sh`) and
# Debian's `stress` with exactly the shared libraries ldd lists for it.
# Containers run from it exactly like the original: sh -c "exec stress --cpu 1".
set -Eeuo pipefail

readonly DEFAULT_IMAGE="containerstack/alpine-stress"

die() {
    printf 'build-stress-image: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat <<USAGE
Usage: ${0##*/} [--force] [IMAGE]

Builds IMAGE (default: \${STEVEDORE_IMAGE:-$DEFAULT_IMAGE}) from Debian's
busybox-static and stress packages. Does nothing when IMAGE already exists,
unless --force is given.
USAGE
}

copy_with_libs() {
    local binary="$1" root="$2" lib
    install -D -m 0755 "$binary" "$root$binary"
    # ldd prints "name => /path (addr)" or "/path (addr)"; the vdso has no path.
    while read -r lib; do
        [[ -n "$lib" ]] || continue
        install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
    done < <(ldd "$binary" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\//) print $i }')
}

main() {
    local force=0 image=""
    while (($#)); do
        case "$1" in
            --force) force=1 ;;
            -h | --help) usage; return 0 ;;
            -*) usage >&2; die "unknown option: $1" ;;
            *) image="$1" ;;
        esac
        shift
    done
    image="${image:-${STEVEDORE_IMAGE:-$DEFAULT_IMAGE}}"

    command -v docker >/dev/null || die "docker CLI not found (install docker.io)"
    docker info >/dev/null 2>&1 || die "cannot reach the Docker engine (is dockerd running?)"
    if ((force == 0)) && docker image inspect "$image" >/dev/null 2>&1; then
        printf 'build-stress-image: %s already present\n' "$image"
        return 0
    fi

    local busybox stress
    busybox="$(command -v busybox || true)"
    stress="$(command -v stress || true)"
    [[ -x "$busybox" ]] || die "busybox not found (apt-get install busybox-static)"
    [[ -x "$stress" ]] || die "stress not found (apt-get install stress)"
    if ldd "$busybox" >/dev/null 2>&1; then
        die "$busybox is dynamically linked; install busybox-static"
    fi

    local ctx
    ctx="$(mktemp -d)"
    # shellcheck disable=SC2064 # expand ctx now: it is local to main
    trap "rm -rf -- '$ctx'" EXIT

    mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/tmp"
    chmod 1777 "$ctx/rootfs/tmp"
    install -m 0755 "$busybox" "$ctx/rootfs/bin/busybox"
    local applet
    for applet in sh ls cat sleep rm mkdir echo; do
        ln -s busybox "$ctx/rootfs/bin/$applet"
    done
    copy_with_libs "$stress" "$ctx/rootfs"
    # Keep the original's PATH lookup of `stress` working from /usr/bin.
    cat >"$ctx/Dockerfile" <<'DOCKERFILE'
FROM scratch
COPY rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin:/bin
WORKDIR /tmp
CMD ["sh"]
DOCKERFILE
    DOCKER_BUILDKIT=0 docker build -q -t "$image" \
        --label "org.opencontainers.image.description=local stand-in for $DEFAULT_IMAGE (stress + busybox)" \
        "$ctx" >/dev/null
    docker run --rm --network none "$image" sh -c "exec stress --version" >/dev/null 2>&1 ||
        docker run --rm --network none "$image" sh -c "exec stress --cpu 1 --timeout 1" >/dev/null ||
        die "image $image was built but cannot run stress"
    printf 'build-stress-image: built %s\n' "$image"
}

main "$@"
