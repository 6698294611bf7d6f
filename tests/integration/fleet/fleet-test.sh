#!/usr/bin/env bash
# A fleet on one machine (issue 14, item 4). Network namespaces stand for
# hosts: three agents' namespaces and a central one, joined to one bridge.
# The central namespace runs `stevedore --receiver-only`; each agent
# namespace runs `stevedore --no-gui --no-manage --no-listen --report-to` with
# its own --host-name. The test
#   1. checks that the receiver keeps one series per host (GET /logs?host=);
#   2. kills the receiver (kill -9) for 60 s and starts it again on the same
#      store, waits until every agent says its queue has drained, then stops
#      the agents gracefully and checks, per host, that the entry_id sequence
#      numbers stored are exactly 1..N where N is what the agent says it made
#      (none lost, none duplicated), and that the agent's memory stayed
#      bounded meanwhile (VmHWM from /proc, queue peak from its summary);
#   3. does the same over TLS (receiver --tls-cert/--tls-key, agents
#      --ca-file, a CA and server certificate made here with openssl), in
#      parallel with the plain fleet during the same 60 s outage: each agent
#      namespace runs one plain and one TLS agent, the central namespace two
#      receivers (the TLS one stopped with SIGTERM, the plain one with kill -9).
#
# The bridge lives in a namespace of its own, not in the machine's: Docker's
# iptables rules (FORWARD policy DROP with br_netfilter) would otherwise
# filter the bridged traffic, and nothing of the machine's network changes.
# Every name carries this run's tag, so parallel runs never clash; a trap
# kills what the test started (by process id) and deletes its namespaces,
# whatever happens. It needs root and `ip netns`: when they cannot be used it
# fails, saying why; it never skips.
#
#   fleet-test.sh STEVEDORE_BINARY
set -Eeuo pipefail

readonly OUTAGE_SECONDS=60
readonly INTERVAL=0.5
readonly SUBNET=10.213.77
readonly CENTRAL="$SUBNET.4"
readonly PLAIN_PORT=5000
readonly TLS_PORT=5443
readonly HOSTS=(fleet-a fleet-b fleet-c)
# An agent keeps at most 10 000 entries while the receiver is away; 120 are
# made during the outage. Its resident memory must stay under this.
readonly RSS_LIMIT_KB=$((200 * 1024))

log() { printf 'fleet-test: %s\n' "$*" >&2; }
fail() {
    printf 'fleet-test: FAIL: %s\n' "$*" >&2
    exit 1
}

TAG="fl$((RANDOM % 100000))"
TMP=""
NAMESPACES=()
PIDS=()
TLS=0
INSECURE=()
declare -A AGENT_PID=() RECEIVER_PID=() RSS_PEAK=() RSS_BEFORE=() RSS_AFTER=()

cleanup() {
    local status=$? pid ns
    for pid in "${PIDS[@]}"; do
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for ns in "${NAMESPACES[@]}"; do
        ip netns delete "$ns" 2>/dev/null || true
    done
    if ((status != 0)) && [[ -n "$TMP" ]]; then
        local f
        for f in "$TMP"/*.log; do
            [[ -f "$f" ]] || continue
            printf -- '--- %s (last 15 lines)\n' "${f##*/}" >&2
            tail -n 15 "$f" >&2
        done
    fi
    [[ -n "$TMP" && -z "${FLEET_KEEP:-}" ]] && rm -rf "$TMP"
    return "$status"
}

# in_ns NS CMD...: runs CMD in namespace NS.
in_ns() {
    local ns="$1"
    shift
    ip netns exec "$ns" "$@"
}

# wait_for SECONDS WHAT CMD...: polls CMD every 0.5 s until it succeeds.
wait_for() {
    local seconds="$1" what="$2"
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        ((SECONDS < deadline)) || fail "$what: not within ${seconds} s"
        sleep 0.5
    done
}

# The network: bridge "br0" in namespace $TAG-sw, and a veth from it into
# each of $TAG-a, -b, -c (agents, .1 .2 .3) and -r (receivers, .4).
make_network() {
    local sw="$TAG-sw" i=1 name ns
    ip netns add "$sw" || fail "ip netns add failed: this test needs root and network namespaces"
    NAMESPACES+=("$sw")
    in_ns "$sw" ip link add br0 type bridge
    in_ns "$sw" ip link set br0 up
    for name in a b c r; do
        ns="$TAG-$name"
        ip netns add "$ns"
        NAMESPACES+=("$ns")
        in_ns "$sw" ip link add "$TAG$name" type veth peer name eth0 netns "$ns"
        in_ns "$sw" ip link set "$TAG$name" master br0 up
        in_ns "$ns" ip link set lo up
        in_ns "$ns" ip addr add "$SUBNET.$i/24" dev eth0
        in_ns "$ns" ip link set eth0 up
        i=$((i + 1))
    done
}

# A test CA, and a server certificate for the central address signed by it.
make_certificates() {
    local d="$TMP/tls"
    mkdir -p "$d"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
        -subj "/CN=Stevedore fleet test CA" -keyout "$d/ca.key" -out "$d/ca.pem" 2>"$d/openssl.log" ||
        fail "openssl cannot make the test CA: $(cat "$d/openssl.log")"
    openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=$CENTRAL" \
        -keyout "$d/server.key" -out "$d/server.csr" 2>>"$d/openssl.log"
    printf 'subjectAltName=IP:%s\nextendedKeyUsage=serverAuth\n' "$CENTRAL" >"$d/ext.cnf"
    openssl x509 -req -in "$d/server.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial -days 2 \
        -extfile "$d/ext.cnf" -out "$d/server.pem" 2>>"$d/openssl.log" ||
        fail "openssl cannot sign the server certificate: $(cat "$d/openssl.log")"
    chmod 0600 "$d"/*.key
}

port_of() {
    if [[ "$1" == tls ]]; then
        printf '%s' "$TLS_PORT"
    else
        printf '%s' "$PLAIN_PORT"
    fi
}

# base_url FLEET: the central receiver's address for fleet plain|tls.
base_url() {
    if [[ "$1" == tls ]]; then
        printf 'https://%s:%s' "$CENTRAL" "$TLS_PORT"
    else
        printf 'http://%s:%s' "$CENTRAL" "$PLAIN_PORT"
    fi
}

# central FLEET PATH: GET PATH from that fleet's receiver, from an agent
# namespace (over the bridge, as the agents reach it).
central() {
    local fleet="$1" path="$2" tls=()
    [[ "$fleet" == tls ]] && tls=(--cacert "$TMP/tls/ca.pem")
    in_ns "$TAG-a" curl -sf --max-time 10 "${tls[@]}" -H "Authorization: Bearer $(cat "$TMP/token")" \
        "$(base_url "$fleet")$path"
}

start_receiver() {
    local fleet="$1" port="$PLAIN_PORT" tls=()
    if [[ "$fleet" == tls ]]; then
        port="$TLS_PORT"
        tls=(--tls-cert "$TMP/tls/server.pem" --tls-key "$TMP/tls/server.key")
    fi
    # ip netns exec, not in_ns: run in the background, a shell function
    # would be a subshell whose pid is not the receiver's.
    ip netns exec "$TAG-r" "$BIN" --receiver-only --listen "$CENTRAL:$port" --token-file "$TMP/token" \
        --data-dir "$TMP/central-$fleet" "${tls[@]}" >>"$TMP/central-$fleet.log" 2>&1 &
    RECEIVER_PID[$fleet]=$!
    PIDS+=($!)
    wait_for 30 "the $fleet receiver answering /healthz" central "$fleet" /healthz >/dev/null
}

start_agent() {
    local fleet="$1" host="$2" ns="$TAG-${2#fleet-}" extra=()
    if [[ "$fleet" == tls ]]; then
        extra=(--ca-file "$TMP/tls/ca.pem")
    else
        extra=("${INSECURE[@]}")
    fi
    ip netns exec "$ns" "$BIN" --no-gui --no-manage --no-listen --quiet --source cgroup --interval "$INTERVAL" \
        --host-name "$host" --report-to "$(base_url "$fleet")" --token-file "$TMP/token" \
        --data-dir "$TMP/agent-$fleet-$host" "${extra[@]}" >"$TMP/agent-$fleet-$host.log" 2>&1 &
    AGENT_PID[$fleet/$host]=$!
    PIDS+=($!)
}

# status_kb PID FIELD: VmHWM (peak resident set) or VmRSS of PID, in kB.
status_kb() {
    awk -v f="$2:" '$1 == f { print $2 }' "/proc/$1/status"
}

# The per-host series: each host has entries, GET /logs?host=NAME gives
# exactly that host's entries (compared, by entry_id, with the whole store
# read afterwards, which may only have more at the end), and every stored
# entry belongs to one of the hosts.
check_series() {
    local fleet="$1" host all n
    declare -A series=()
    for host in "${HOSTS[@]}"; do
        series[$host]="$(central "$fleet" "/logs?host=$host")" || fail "$fleet: GET /logs?host=$host failed"
    done
    all="$(central "$fleet" /logs)" || fail "$fleet: GET /logs failed"
    jq -e --argjson hosts "$(printf '%s\n' "${HOSTS[@]}" | jq -R . | jq -s .)" \
        'all(.[]; .host.name as $h | $hosts | index($h))' <<<"$all" >/dev/null ||
        fail "$fleet: the store holds entries of no fleet host"
    for host in "${HOSTS[@]}"; do
        n="$(jq --arg h "$host" 'if all(.[]; .host.name == $h and (.entry_id.seq | type) == "number")
                                 then length else -1 end' <<<"${series[$host]}")"
        ((n > 0)) || fail "$fleet: GET /logs?host=$host gave $n entries (-1: an entry of another host or without entry_id)"
        jq -e --arg h "$host" --argjson mine "$(jq -c '[.[].entry_id]' <<<"${series[$host]}")" \
            '[.[] | select(.host.name == $h) | .entry_id][:($mine | length)] == $mine' <<<"$all" >/dev/null ||
            fail "$fleet: GET /logs?host=$host is not that host's series of the store"
        log "$fleet: GET /logs?host=$host: $n entries, all of $host"
    done
}

# all_caught_up FLEET: every agent of the fleet logged that its queue drained
# after the outage.
all_caught_up() {
    local host
    for host in "${HOSTS[@]}"; do
        grep -q 'log delivery caught up' "$TMP/agent-$1-$host.log" || return 1
    done
}

# check_delivery FLEET HOST: the agent's summary against the receiver's store.
check_delivery() {
    local fleet="$1" host="$2" file="$TMP/agent-$1-$2.log" summary run made delivered dropped queued peak bytes
    summary="$(grep -o 'report summary: .*' "$file")" || fail "$fleet/$host: no report summary in its log"
    read -r run made delivered dropped queued peak bytes < <(sed -E \
        's/.*run ([0-9a-f]+), ([0-9]+) entries made.*, ([0-9]+) delivered, ([0-9]+) dropped.*, ([0-9]+) still queued; queue peak ([0-9]+) entries, ([0-9]+) bytes.*/\1 \2 \3 \4 \5 \6 \7/' \
        <<<"$summary")
    [[ "$bytes" =~ ^[0-9]+$ ]] || fail "$fleet/$host: cannot read its summary: $summary"
    local stored seqs count distinct first last
    stored="$(central "$fleet" "/logs?host=$host")" || fail "$fleet: GET /logs?host=$host failed"
    seqs="$(jq -c --arg run "$run" '[.[] | select(.entry_id.run == $run) | .entry_id.seq]' <<<"$stored")"
    read -r count distinct first last < <(jq -r '[length, (unique | length), (min // 0), (max // 0)] | @tsv' <<<"$seqs")
    local others
    others="$(jq --arg run "$run" '[.[] | select(.entry_id.run != $run)] | length' <<<"$stored")"
    local lost=$((made - distinct)) duplicated=$((count - distinct))
    local k="$fleet/$host"
    printf '%-5s %-7s entries %4s  stored %4s  seq %s..%s  lost %s  duplicated %s  queue peak %4s entries %7s bytes  RSS %s -> %s kB over the outage, VmHWM %s kB\n' \
        "$fleet" "$host" "$made" "$count" "$first" "$last" "$lost" "$duplicated" "$peak" "$bytes" \
        "${RSS_BEFORE[$k]}" "${RSS_AFTER[$k]}" "${RSS_PEAK[$k]}"
    ((made > 0 && delivered == made && dropped == 0 && queued == 0)) ||
        fail "$fleet/$host: made $made, delivered $delivered, dropped $dropped, still queued $queued"
    ((others == 0)) || fail "$fleet/$host: $others stored entries of this host carry another run"
    ((duplicated == 0)) || fail "$fleet/$host: $duplicated entries stored twice"
    ((count == made && first == 1 && last == made)) ||
        fail "$fleet/$host: stored $count entries with sequence $first..$last, the agent made 1..$made"
    # The outage queued every entry of those 60 s (2 a second).
    local expected=$((OUTAGE_SECONDS * 2 * 3 / 4))
    ((peak >= expected)) || fail "$fleet/$host: queue peak $peak entries, expected at least $expected over the outage"
    ((RSS_PEAK[$fleet/$host] < RSS_LIMIT_KB)) ||
        fail "$fleet/$host: peak resident memory ${RSS_PEAK[$fleet/$host]} kB, limit $RSS_LIMIT_KB kB"
}

main() {
    (($# == 1)) || fail "usage: ${0##*/} STEVEDORE_BINARY"
    BIN="$1"
    [[ -x "$BIN" ]] || fail "$BIN is not executable"
    ((EUID == 0)) || fail "needs root (ip netns); run it as root, as scripts/test.sh does"
    local tool
    for tool in ip iptables curl jq openssl awk; do
        command -v "$tool" >/dev/null || fail "$tool is not installed (Debian packages iproute2, iptables, curl, jq, openssl)"
    done
    TMP="$(mktemp -d)"
    trap cleanup EXIT
    trap 'exit 1' INT TERM

    # The plain fleet's agents send their token to a non-loopback address
    # over plain HTTP, which needs --insecure; the TLS fleet runs beside it,
    # through the same outage.
    INSECURE=(--insecure)
    TLS=1
    local fleets=(plain tls)

    make_network
    log "namespaces $TAG-{a,b,c,r} on bridge br0 in $TAG-sw; central receiver at $CENTRAL"
    printf 'fleet-test-token-%s\n' "$TAG" >"$TMP/token"
    chmod 0600 "$TMP/token"
    ((TLS)) && make_certificates

    local fleet host key
    for fleet in "${fleets[@]}"; do
        start_receiver "$fleet"
        for host in "${HOSTS[@]}"; do
            start_agent "$fleet" "$host"
        done
    done
    # Every host reported a few entries.
    for fleet in "${fleets[@]}"; do
        for host in "${HOSTS[@]}"; do
            wait_for 30 "$fleet/$host reporting" host_has_entries "$fleet" "$host"
        done
        check_series "$fleet"
    done

    for key in "${!AGENT_PID[@]}"; do
        RSS_BEFORE[$key]="$(status_kb "${AGENT_PID[$key]}" VmRSS)"
    done
    # The lost answer, made to happen rather than hoped for: the central
    # namespace drops everything its receivers send, so the entry each agent
    # has on the wire is stored but its 201 never arrives (the agent times out
    # after 5 s and keeps the entry). Then the outage: the plain receiver is
    # killed (kill -9), the TLS one stopped with SIGTERM. After the restart
    # every agent sends that entry again: the receiver, its seen set rebuilt
    # from the store, must recognise it and not store it twice.
    log "dropping the receivers' answers for 7 s (stored entries whose 201 is lost)"
    for fleet in "${fleets[@]}"; do
        in_ns "$TAG-r" iptables -A OUTPUT -p tcp --sport "$(port_of "$fleet")" -j DROP
    done
    sleep 7
    log "stopping the central receivers for $OUTAGE_SECONDS s"
    kill -KILL "${RECEIVER_PID[plain]}"
    ((TLS)) && kill -TERM "${RECEIVER_PID[tls]}"
    for fleet in "${fleets[@]}"; do
        wait_for 30 "the $fleet receiver stopping" stopped "${RECEIVER_PID[$fleet]}"
        wait "${RECEIVER_PID[$fleet]}" 2>/dev/null || true
    done
    in_ns "$TAG-r" iptables -F OUTPUT
    local start=$SECONDS
    while ((SECONDS - start < OUTAGE_SECONDS)); do
        sleep 1
    done
    for key in "${!AGENT_PID[@]}"; do
        RSS_PEAK[$key]="$(status_kb "${AGENT_PID[$key]}" VmHWM)" || fail "agent $key is gone during the outage"
        RSS_AFTER[$key]="$(status_kb "${AGENT_PID[$key]}" VmRSS)"
        grep -q 'cannot deliver log entries' "$TMP/agent-${key%/*}-${key#*/}.log" ||
            fail "agent $key never noticed the outage"
    done
    log "restarting the central receivers on the same stores"
    for fleet in "${fleets[@]}"; do
        start_receiver "$fleet"
    done
    for fleet in "${fleets[@]}"; do
        wait_for 90 "every $fleet agent draining its queue" all_caught_up "$fleet"
    done
    log "every agent's queue drained; stopping the agents"
    for key in "${!AGENT_PID[@]}"; do
        kill -TERM "${AGENT_PID[$key]}"
    done
    for key in "${!AGENT_PID[@]}"; do
        wait_for 120 "agent $key stopping" stopped "${AGENT_PID[$key]}"
        wait "${AGENT_PID[$key]}" 2>/dev/null || true
    done

    printf 'fleet-test: outage %s s, interval %s s, %s hosts per fleet, fleets: %s\n' \
        "$OUTAGE_SECONDS" "$INTERVAL" "${#HOSTS[@]}" "${fleets[*]}"
    for fleet in "${fleets[@]}"; do
        for host in "${HOSTS[@]}"; do
            check_delivery "$fleet" "$host"
        done
        local resent
        resent="$(central "$fleet" /metrics | awk '/^stevedore_receiver_entries_duplicate_total/ { print $2 }')" ||
            fail "$fleet: GET /metrics failed"
        [[ "$resent" =~ ^[0-9]+$ ]] || fail "$fleet: /metrics has no stevedore_receiver_entries_duplicate_total"
        printf 'fleet-test: %s receiver after its restart: %s resent entries (stored before the outage, their 201 lost) recognised and not stored again\n' \
            "$fleet" "$resent"
        ((resent >= 1)) || fail "$fleet: no agent resent an entry whose answer was lost: the duplicate case was not exercised"
    done
    printf 'fleet-test: PASS\n'
}

# host_has_entries FLEET HOST: the receiver holds at least 4 entries of HOST.
host_has_entries() {
    local n
    stopped "${AGENT_PID[$1/$2]}" && fail "agent $1/$2 exited: $(tail -n 3 "$TMP/agent-$1-$2.log")"
    n="$(central "$1" "/logs?host=$2" | jq length)" || return 1
    ((n >= 4))
}

# stopped PID: the process has exited (a zombie until waited for counts).
stopped() {
    [[ ! -e "/proc/$1/status" ]] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status"
}

main "$@"
