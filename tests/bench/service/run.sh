#!/usr/bin/env bash
# Benchmark (not a test): the whole service as a user runs it,
#   stevedore --no-gui --no-manage --no-listen --interval 1
# with 30, 100 and 1000 idle containers, against `docker stats` measured the
# same way in the same run.
#
# CPU is CPU time, not wall time (the machine may be shared): the sum of
# /proc/<pid>/task/*/schedstat over every thread of the measured client
# (stevedore, or the docker CLI) plus what dockerd, containerd and the shims of
# the benchmark's containers spent above their idle baseline, measured just
# before in the same run. Per tick for Stevedore, per refresh for docker stats.
#
#   tests/bench/service/run.sh [--build DIR] [--before DIR] [--window SECONDS] [COUNT...]
#
# --before DIR also measures the stevedore built in DIR (an older build) on
# the same containers, for before/after figures from one run.
#
# COUNT defaults to "30 100 1000". The containers are `sleep` in the local
# image (scripts/build-stress-image.sh), --network none, labelled
# stevedore.bench=<run id> and always removed at exit. With 1000 containers
# docker stats is measured once with --no-stream (streaming 1000 stats
# connections would take the whole machine).
set -Eeuo pipefail

readonly IMAGE="${STEVEDORE_IMAGE:-containerstack/alpine-stress}"
RUN_ID="service-bench-$$-$RANDOM"
readonly RUN_ID
TMP=""

die() {
    printf 'bench: %s\n' "$*" >&2
    exit 1
}

note() {
    printf '%s\n' "$*" >&2
}

cleanup() {
    local pid
    for pid in "${KILL_PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
    done
    local ids
    ids="$(docker ps -aq --filter "label=stevedore.bench=$RUN_ID" 2>/dev/null || true)"
    if [[ -n "$ids" ]]; then
        note "removing $(wc -w <<<"$ids") benchmark containers..."
        # One batch at a time: on this Docker 20.10 engine, four concurrent
        # `docker rm -f` of 50 containers each twice left dockerd listing
        # containers whose shims were gone, with every later rm hanging.
        xargs -n 20 -P 1 docker rm -f >/dev/null <<<"$ids" || true
    fi
    [[ -z "$TMP" ]] || rm -rf "$TMP"
}

KILL_PIDS=()

now_ns() {
    date +%s%N
}

# Sum of schedstat run time (ns) over every thread of the given pids.
cpu_ns() {
    local pid files=()
    for pid in "$@"; do
        files+=("/proc/$pid/task/"*/schedstat)
    done
    ((${#files[@]})) || {
        echo 0
        return
    }
    # Threads come and go: a file gone between the glob and the read is skipped.
    { cat "${files[@]}" 2>/dev/null || true; } | awk '{ s += $1 } END { printf "%.0f\n", s }'
}

# The daemons: dockerd, containerd, and the shim of every benchmark container.
daemon_pids() {
    pgrep -x dockerd || true
    pgrep -x containerd || true
    local ids
    ids="$(docker ps -q --filter "label=stevedore.bench=$RUN_ID")"
    [[ -n "$ids" ]] || return 0
    # shellcheck disable=SC2086 # one id per word
    { docker inspect -f '{{.State.Pid}}' $ids 2>/dev/null || true; } | while read -r pid; do
        [[ "$pid" -gt 0 ]] && awk '/^PPid:/ { print $2 }' "/proc/$pid/status" 2>/dev/null
    done | sort -u
}

start_containers() {
    local want="$1" have
    have="$(docker ps -q --filter "label=stevedore.bench=$RUN_ID" | wc -l)"
    ((have < want)) || return 0
    local t0 t1
    t0="$(now_ns)"
    seq "$have" $((want - 1)) | xargs -P 4 -I{} docker run -d --network none --log-driver none \
        --label "stevedore.bench=$RUN_ID" "$IMAGE" sleep 1000000 >/dev/null
    t1="$(now_ns)"
    have="$(docker ps -q --filter "label=stevedore.bench=$RUN_ID" | wc -l)"
    ((have >= want)) || die "only $have of $want containers started"
    note "started $((want - ${2:-0})) containers (to $want) in $(((t1 - t0) / 1000000)) ms wall, 4 docker run in parallel"
}

refreshes_in() {
    { grep -o $'\e\\[J' "$1" || true; } | wc -l
}

# Ticks so far: distinct tick timestamps (a summary line and the tables it
# may be followed by carry the same one).
ticks_in() {
    { grep -o '^\[INFO\] System ([^,]*' "$1" || true; } | sort -u | wc -l
}

# Raw figures to $TMP/stevedore.raw; measure_stevedore_again turns them into
# "ms_per_tick ticks client_ms daemon_extra_ms fds docker_connections rss_kb".
measure_stevedore() {
    local exe="$1" window="$2"
    local log="$TMP/stevedore.log"
    : >"$log"
    "$exe" --no-gui --no-manage --no-listen --interval 1 >"$log" 2>"$TMP/stevedore.err" &
    local pid=$!
    KILL_PIDS+=("$pid")
    # Start, first container list, and the first 10 s during which every
    # container's main process is re-checked each tick: measure the steady
    # state after that.
    sleep 12
    kill -0 "$pid" 2>/dev/null || die "stevedore exited: $(tail -5 "$TMP/stevedore.err")"
    local -a dpids
    mapfile -t dpids < <(daemon_pids)
    local c0 d0 k0 t0 c1 d1 k1 t1
    k0="$(ticks_in "$log")"
    t0="$(now_ns)"
    c0="$(cpu_ns "$pid")"
    d0="$(cpu_ns "${dpids[@]}")"
    sleep "$window"
    c1="$(cpu_ns "$pid")"
    d1="$(cpu_ns "${dpids[@]}")"
    t1="$(now_ns)"
    k1="$(ticks_in "$log")"
    local fds conns rss
    fds="$(find "/proc/$pid/fd" -mindepth 1 | wc -l)"
    conns="$(docker_connections "$pid")"
    rss="$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status")"
    kill -INT "$pid"
    wait "$pid" || true
    local ticks=$((k1 - k0))
    ((ticks > 0)) || die "no tick in ${window} s"
    # Raw figures; measure_stevedore_again subtracts the baseline.
    echo "$((c1 - c0)) $((d1 - d0)) $((t1 - t0)) $ticks $fds $conns $rss" >"$TMP/stevedore.raw"
}

# Daemons above the mean of two baselines (never below zero). Prints ns.
above_idle() {
    local d="$1" t="$2" r0="$3" r1="$4"
    awk -v d="$d" -v t="$t" -v a="$r0" -v b="$r1" 'BEGIN { e = d - (a + b) / 2 * t; printf "%.0f\n", (e > 0 ? e : 0) }'
}

measure_stevedore_again() {
    local c d t ticks fds conns rss extra
    read -r c d t ticks fds conns rss <"$TMP/stevedore.raw"
    extra="$(above_idle "$d" "$t" "$1" "$2")"
    awk -v c="$c" -v e="$extra" -v k="$ticks" -v rest="$fds $conns $rss" \
        'BEGIN { printf "%.3f %d %.1f %.1f %s\n", (c + e) / k / 1e6, k, c / 1e6, e / 1e6, rest }' >"$TMP/result"
}

# Unix connections from pid to the Docker socket: its socket inodes whose
# peer is a socket dockerd accepted on docker.sock.
docker_connections() {
    local pid="$1"
    ss -xpn 2>/dev/null | awk -v pid="pid=$pid," '
        $5 ~ /docker\.sock$/ { server[$6] = 1 }
        index($0, pid) { peer[$8] = 1 }
        END { n = 0; for (p in peer) if (p in server) n++; print n }'
}

# docker stats streaming: raw figures to $TMP/stats.raw.
measure_docker_stats() {
    local window="$1"
    local out="$TMP/stats.out"
    local -a ids
    mapfile -t ids < <(docker ps -q --filter "label=stevedore.bench=$RUN_ID")
    docker stats --format '{{.ID}} {{.CPUPerc}} {{.MemUsage}} {{.BlockIO}}' "${ids[@]}" >"$out" 2>&1 &
    local pid=$!
    KILL_PIDS+=("$pid")
    sleep 4
    local -a dpids
    mapfile -t dpids < <(daemon_pids)
    local c0 d0 k0 t0 c1 d1 k1 t1
    # Without a terminal each refresh ends with "erase below" (ESC [ J).
    k0="$(refreshes_in "$out")"
    t0="$(now_ns)"
    c0="$(cpu_ns "$pid")"
    d0="$(cpu_ns "${dpids[@]}")"
    sleep "$window"
    c1="$(cpu_ns "$pid")"
    d1="$(cpu_ns "${dpids[@]}")"
    t1="$(now_ns)"
    k1="$(refreshes_in "$out")"
    # docker stats does not stop on SIGTERM.
    kill -KILL "$pid"
    wait "$pid" 2>/dev/null || true
    ((k1 > k0)) || die "docker stats did not refresh in ${window} s"
    echo "stream $((c1 - c0)) $((d1 - d0)) $((t1 - t0))" >"$TMP/stats.raw"
}

measure_docker_stats_again() {
    local kind c d t extra
    read -r kind c d t <"$TMP/stats.raw"
    extra="$(above_idle "$d" "$t" "$1" "$2")"
    if [[ "$kind" == stream ]]; then
        # The daemon sends new figures once a second (the CLI redraws twice
        # a second): a refresh is a second of streaming, like a tick at
        # --interval 1.
        awk -v c="$c" -v e="$extra" -v t="$t" \
            'BEGIN { k = t / 1e9; printf "%.3f %.1fs %.1f %.1f\n", (c + e) / k / 1e6, k, c / 1e6, e / 1e6 }' \
            >"$TMP/result"
    else
        awk -v c="$c" -v e="$extra" -v w="$t" \
            'BEGIN { printf "%.1f %.0f %.1f %.1f\n", (c + e) / 1e6, w / 1e6, c / 1e6, e / 1e6 }' >"$TMP/result"
    fi
}

# docker stats --no-stream once: raw figures to $TMP/stats.raw.
measure_docker_stats_once() {
    local -a ids dpids
    mapfile -t ids < <(docker ps -q --filter "label=stevedore.bench=$RUN_ID")
    mapfile -t dpids < <(daemon_pids)
    local d0 t0 d1 t1
    t0="$(now_ns)"
    d0="$(cpu_ns "${dpids[@]}")"
    # The client's own CPU: the growth of this shell's waited-for children
    # time (the client ends during the measurement, so its schedstat cannot
    # be read at the end).
    local before after
    before="$(children_cpu_ns)"
    docker stats --no-stream --format '{{.ID}} {{.CPUPerc}}' "${ids[@]}" >/dev/null
    after="$(children_cpu_ns)"
    d1="$(cpu_ns "${dpids[@]}")"
    t1="$(now_ns)"
    echo "once $((after - before)) $((d1 - d0)) $((t1 - t0))" >"$TMP/stats.raw"
}

# User + system time of the main shell's waited-for children, in ns.
children_cpu_ns() {
    local hz
    hz="$(getconf CLK_TCK)"
    awk -v hz="$hz" '{ printf "%.0f\n", ($16 + $17) * 1e9 / hz }' "/proc/$$/stat"
}

# Daemons' idle CPU rate (ns per ns) over `seconds`.
daemon_baseline() {
    local seconds="$1"
    local -a dpids
    local d0 d1 t0 t1
    mapfile -t dpids < <(daemon_pids)
    t0="$(now_ns)"
    d0="$(cpu_ns "${dpids[@]}")"
    sleep "$seconds"
    d1="$(cpu_ns "${dpids[@]}")"
    t1="$(now_ns)"
    awk -v d=$((d1 - d0)) -v t=$((t1 - t0)) 'BEGIN { printf "%.6f\n", d / t }'
}

main() {
    local root build window=10 before=""
    root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
    build="$root/build"
    local counts=()
    while (($#)); do
        case "$1" in
        --build)
            build="$2"
            shift 2
            ;;
        --window)
            window="$2"
            shift 2
            ;;
        --before)
            before="$2/app/stevedore"
            [[ -x "$before" ]] || die "no $before"
            shift 2
            ;;
        -h | --help)
            sed -n '2,20p' "${BASH_SOURCE[0]}"
            return 0
            ;;
        *)
            counts+=("$1")
            shift
            ;;
        esac
    done
    ((${#counts[@]})) || counts=(30 100 1000)
    local exe="$build/app/stevedore"
    [[ -x "$exe" ]] || die "build first: cmake --build $build --target stevedore"
    docker info >/dev/null 2>&1 || die "no Docker engine"
    docker image inspect "$IMAGE" >/dev/null 2>&1 || "$root/scripts/build-stress-image.sh" >/dev/null

    TMP="$(mktemp -d)"
    trap cleanup EXIT
    trap 'exit 130' INT TERM
    trap 'note "failed at line $LINENO: $BASH_COMMAND"' ERR

    printf 'machine: %s, %s cores, load %s\n' "$(uname -r)" "$(nproc)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%-6s %-5s %10s %6s %10s %10s %12s %10s %8s %6s %7s %8s\n' \
        containers host stevedore ticks client daemons "docker stats" refreshes ratio fds docker RSS_MB
    local n have=0
    for n in "${counts[@]}"; do
        start_containers "$n" "$have"
        have="$n"
        sleep 5 # let the daemons settle after the starts
        # dockerd and containerd are shared with whatever else runs here:
        # the idle baseline is taken before and after each measurement and
        # their mean subtracted; the gap between them is the noise.
        local base0 base1 base2
        base0="$(daemon_baseline "$window")"
        local host
        host="$(docker ps -q | wc -l)"
        local s_ms s_ticks s_client s_extra fds conns rss
        measure_stevedore "$exe" "$window"
        base1="$(daemon_baseline "$window")"
        measure_stevedore_again "$base0" "$base1"
        read -r s_ms s_ticks s_client s_extra fds conns rss <"$TMP/result"
        if [[ -n "$before" ]]; then
            local b_ms b_ticks b_client b_extra b_fds b_conns b_rss
            measure_stevedore "$before" "$window"
            base1="$(daemon_baseline "$window")"
            measure_stevedore_again "$base0" "$base1"
            read -r b_ms b_ticks b_client b_extra b_fds b_conns b_rss <"$TMP/result"
            printf '%-6s %-5s %7s ms %6s %7s ms %7s ms %12s %10s %8s %6s %7s %8s  (before: %s)\n' \
                "$n" "$host" "$b_ms" "$b_ticks" "$b_client" "$b_extra" "" "" "" \
                "$b_fds" "$b_conns" "$((b_rss / 1024))" "$before"
        fi
        local d_ms d_n d_client d_extra
        if ((n <= 300)); then
            measure_docker_stats "$window"
        else
            measure_docker_stats_once
        fi
        base2="$(daemon_baseline "$window")"
        if ((n <= 300)); then
            measure_docker_stats_again "$base1" "$base2"
            read -r d_ms d_n d_client d_extra <"$TMP/result"
        else
            measure_docker_stats_again "$base1" "$base2"
            local wall
            read -r d_ms wall d_client d_extra <"$TMP/result"
            d_n="1(${wall}ms)"
        fi
        ratio="$(awk -v a="$d_ms" -v b="$s_ms" 'BEGIN { printf "%.0fx", a / b }')"
        printf '%-6s %-5s %7s ms %6s %7s ms %7s ms %9s ms %10s %8s %6s %7s %8s\n' \
            "$n" "$host" "$s_ms" "$s_ticks" "$s_client" "$s_extra" "$d_ms" "$d_n" "$ratio" \
            "$fds" "$conns" "$((rss / 1024))"
        note "  daemons idle: $(awk -v a="$base0" -v b="$base1" -v c="$base2" \
            'BEGIN { printf "%.1f / %.1f / %.1f", a * 1000, b * 1000, c * 1000 }') ms/s (before / between / after);" \
            "stevedore: client $s_client ms, daemons above idle $s_extra ms;" \
            "docker stats: client $d_client ms, daemons above idle $d_extra ms"
    done
    printf 'stevedore/docker stats: CPU ms per tick (stevedore) and per refresh (docker stats),\n'
    printf 'client + dockerd/containerd/shims above their idle baseline; ratio = docker stats / stevedore.\n'
}

main "$@"
