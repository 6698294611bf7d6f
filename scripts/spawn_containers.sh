#!/usr/bin/env bash
# Creates COUNT (default 10) random stress containers, like the original's
# script.sh, labelled so that Stevedore's manager knows they are its own:
#   stevedore.managed=true  stevedore.category=<cpu|io|ram|disk>
# Names are stress_<type>_<8 chars of [a-z0-9] from /dev/urandom>, where
# <type> is the stress option (cpu, io, vm, hdd), and each container runs
# sh -c "exec stress <options>" so stress is its main process.
#
# `stevedore --spawn N` makes the same containers from C++ (same names,
# labels, commands and environment variables). Meant to be run by hand or
# from cron (`stevedore --cron-spawn "* * * * *"` installs such a line).
set -Eeuo pipefail
# Let errors inside $(...) stop the script too.
shopt -s inherit_errexit

# cron runs jobs with PATH=/usr/bin:/bin; docker may live elsewhere.
PATH="${PATH:-/usr/bin:/bin}:/usr/local/bin:/usr/sbin:/sbin"

readonly DEFAULT_IMAGE="containerstack/alpine-stress"
readonly DEFAULT_COUNT=10

die() {
    printf 'spawn_containers: %s\n' "$*" >&2
    exit 1
}

usage() {
    cat <<USAGE
Usage: ${0##*/} [COUNT]

Creates COUNT (default $DEFAULT_COUNT) random stress containers labelled
stevedore.managed=true and stevedore.category=<cpu|io|ram|disk>.

Environment:
  STEVEDORE_IMAGE        image (default $DEFAULT_IMAGE); pulled when missing
  STEVEDORE_VM_BYTES     memory per --vm worker (default 256M)
  STEVEDORE_HDD_BYTES    bytes per --hdd worker (default 1G)
  STEVEDORE_TYPES        restrict the random choice, e.g. "cpu io" (cpu io vm hdd)
  STEVEDORE_NETWORK      network mode, e.g. none (default: Docker's default network)
  STEVEDORE_LABELS       extra labels, e.g. "team=qa,run=42"
  STEVEDORE_DOCKER_ARGS  extra 'docker run' arguments, split on blanks,
                         e.g. "--network none --label run=42"
  STEVEDORE_DOCKER       the docker CLI to use (default: docker from PATH)
  DOCKER_HOST            the daemon, as for the docker CLI
USAGE
}

# 8 characters of [a-z0-9] from /dev/urandom. head reads a fixed amount, so
# nothing is killed by SIGPIPE (which pipefail would turn into a failure).
random_id() {
    local id="" chunk tries=0
    while ((${#id} < 8)); do
        ((++tries <= 100)) || die "cannot read random bytes from /dev/urandom"
        chunk="$(head -c 64 /dev/urandom | LC_ALL=C tr -dc 'a-z0-9')"
        id+="$chunk"
    done
    printf '%s' "${id:0:8}"
}

# stress options for a type token: options_for TYPE VM_BYTES HDD_BYTES
options_for() {
    case "$1" in
        cpu) printf '%s' "--cpu 1" ;;
        io) printf '%s' "--io 1" ;;
        vm) printf '%s' "--vm 2 --vm-bytes $2" ;;
        hdd) printf '%s' "--hdd 1 --hdd-bytes $3" ;;
        *) return 1 ;;
    esac
}

category_for() {
    case "$1" in
        cpu) printf 'cpu' ;;
        io) printf 'io' ;;
        vm) printf 'ram' ;;
        hdd) printf 'disk' ;;
        *) return 1 ;;
    esac
}

# Accepts type tokens and category names.
normalise_type() {
    case "$1" in
        cpu) printf 'cpu' ;;
        io) printf 'io' ;;
        vm | ram | memory) printf 'vm' ;;
        hdd | disk) printf 'hdd' ;;
        *) return 1 ;;
    esac
}

main() {
    case "${1:-}" in
        -h | --help)
            usage
            return 0
            ;;
    esac
    (($# <= 1)) || {
        usage >&2
        die "too many arguments"
    }
    local count="${1:-$DEFAULT_COUNT}"
    if ! [[ "$count" =~ ^[0-9]+$ ]] || ((10#$count < 1 || 10#$count > 1000)); then
        die "COUNT must be a number from 1 to 1000, not '$count'"
    fi
    count=$((10#$count))

    local image="${STEVEDORE_IMAGE:-$DEFAULT_IMAGE}" docker
    local vm_bytes="${STEVEDORE_VM_BYTES:-256M}" hdd_bytes="${STEVEDORE_HDD_BYTES:-1G}"
    [[ "$vm_bytes" =~ ^[0-9]+[bBkKmMgG]?$ ]] || die "STEVEDORE_VM_BYTES must look like 256M, not '$vm_bytes'"
    [[ "$hdd_bytes" =~ ^[0-9]+[bBkKmMgG]?$ ]] || die "STEVEDORE_HDD_BYTES must look like 1G, not '$hdd_bytes'"

    local -a types=() wanted=() docker_args=()
    local t normalised
    IFS=', ' read -r -a wanted <<<"${STEVEDORE_TYPES:-cpu io vm hdd}"
    for t in "${wanted[@]}"; do
        [[ -n "$t" ]] || continue
        normalised="$(normalise_type "$t")" || die "unknown type '$t' in STEVEDORE_TYPES (cpu io vm hdd)"
        types+=("$normalised")
    done
    ((${#types[@]} > 0)) || die "STEVEDORE_TYPES names no type"
    read -r -a docker_args <<<"${STEVEDORE_DOCKER_ARGS:-}"
    if [[ -n "${STEVEDORE_NETWORK:-}" ]]; then
        docker_args+=(--network "$STEVEDORE_NETWORK")
    fi
    local -a labels=()
    local label
    IFS=', ' read -r -a labels <<<"${STEVEDORE_LABELS:-}"
    for label in "${labels[@]}"; do
        [[ -n "$label" ]] || continue
        docker_args+=(--label "$label")
    done

    docker="${STEVEDORE_DOCKER:-docker}"
    command -v "$docker" >/dev/null 2>&1 ||
        die "docker CLI '$docker' not found; install docker.io or docker-ce-cli"
    local why
    why="$("$docker" version --format '{{.Server.Version}}' 2>&1 >/dev/null)" ||
        die "cannot reach the Docker engine${DOCKER_HOST:+ at $DOCKER_HOST}: ${why:-is dockerd running?}"
    if ! "$docker" image inspect "$image" >/dev/null 2>&1; then
        printf 'Image %s not present, pulling it...\n' "$image"
        why="$("$docker" pull "$image" 2>&1 >/dev/null)" ||
            die "image $image is not present and cannot be pulled: $why"
    fi

    local i type option category name failed=0
    for ((i = 1; i <= count; i++)); do
        type="${types[RANDOM % ${#types[@]}]}"
        option="$(options_for "$type" "$vm_bytes" "$hdd_bytes")"
        category="$(category_for "$type")"
        name="stress_${type}_$(random_id)"
        if "$docker" run -d --name "$name" \
            --label stevedore.managed=true --label "stevedore.category=$category" \
            "${docker_args[@]}" "$image" sh -c "exec stress $option" >/dev/null; then
            printf 'Container created: %s with option %s (type: %s)\n' "$name" "$option" "$type"
        else
            printf 'spawn_containers: could not create %s\n' "$name" >&2
            failed=$((failed + 1))
        fi
    done
    ((failed == 0)) || die "$failed of $count containers could not be created"
}

main "$@"
