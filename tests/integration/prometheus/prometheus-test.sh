#!/usr/bin/env bash
# Debian's Prometheus server scrapes two real Stevedore instances with the
# shipped scrape configuration (packaging/prometheus/prometheus.yml, bearer
# token from a file), and its HTTP API returns a per-container CPU series
# for a labelled stress container from both instances.
#
# Prometheus runs as a plain process on a loopback port with a temporary
# storage directory: no system daemon is started or left behind. Every query
# of the shipped Grafana dashboard (packaging/grafana/stevedore-dashboard.json)
# runs against the same server, its variables set to All: each must be valid
# PromQL, and the container CPU panel must show the stress container. A missing
# prometheus binary fails with the reason, never skips.
set -Eeuo pipefail

readonly IMAGE="${STEVEDORE_IMAGE:-containerstack/alpine-stress}"
readonly TOKEN="stevedore-prometheus-test-token"

log() { printf 'prometheus-test: %s\n' "$*" >&2; }
fail() {
    printf 'prometheus-test: FAIL: %s\n' "$*" >&2
    exit 1
}

TMP=""
PIDS=()
CONTAINER=""

cleanup() {
    local status=$? pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [[ -n "$CONTAINER" ]] && docker rm -f "$CONTAINER" >/dev/null 2>&1
    [[ -n "$TMP" ]] && rm -rf "$TMP"
    return "$status"
}

# free_port: a loopback TCP port nobody listens on (checked with ss).
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 20000))
        if ! ss -Hltn "sport = :$port" | grep -q .; then
            printf '%s\n' "$port"
            return 0
        fi
    done
}

# query EXPR: the API's result array for an instant query.
query() {
    curl -sf "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" | jq -c '.data.result'
}

# check_dashboard FILE: every panel query, with the variables set to All,
# is accepted by Prometheus; the container CPU panel finds the container.
check_dashboard() {
    local file="$1" title expr answer checked=0
    while IFS=$'\t' read -r title expr; do
        expr="${expr//\$host/.*}"
        expr="${expr//\$category/.*}"
        expr="${expr//\$container/.*}"
        answer="$(curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$expr")"
        jq -e '.status == "success"' <<<"$answer" >/dev/null ||
            fail "dashboard panel \"$title\": Prometheus refuses $expr: $(jq -c '.error' <<<"$answer")"
        if [[ "$expr" == stevedore_container_cpu_percent* ]]; then
            jq -e --arg id "$CONTAINER" 'any(.data.result[]; .metric.id == $id)' <<<"$answer" >/dev/null ||
                fail "dashboard panel \"$title\" does not show the stress container: $(jq -c '.data.result' <<<"$answer" | cut -c1-400)"
        fi
        checked=$((checked + 1))
    done < <(jq -r '.panels[] | .title as $t | .targets[] | [$t, .expr] | @tsv' "$file")
    log "dashboard: $checked panel queries accepted"
}

main() {
    (($# == 3)) || fail "usage: ${0##*/} STEVEDORE_BINARY SCRAPE_CONFIG GRAFANA_DASHBOARD"
    local bin="$1" shipped="$2" dashboard="$3"
    jq -e '.panels | length > 0' "$dashboard" >/dev/null || fail "$dashboard is not a dashboard with panels"
    [[ -x "$bin" ]] || fail "$bin is not executable"
    [[ -f "$shipped" ]] || fail "no scrape configuration at $shipped"
    local tool
    for tool in prometheus promtool docker curl jq ss; do
        command -v "$tool" >/dev/null || fail "$tool is not installed (Debian packages prometheus, docker.io, curl, jq, iproute2)"
    done
    docker image inspect "$IMAGE" >/dev/null 2>&1 || fail "$IMAGE is missing: run scripts/build-stress-image.sh"

    TMP="$(mktemp -d)"
    trap cleanup EXIT
    printf '%s\n' "$TOKEN" >"$TMP/token"
    chmod 0600 "$TMP/token"
    local run="prometheus-$$-$RANDOM"

    CONTAINER="$(docker run -d --network none --label "stevedore.test=$run" --label stevedore.category=cpu \
        "$IMAGE" sh -c 'exec stress --cpu 1')" || fail "cannot start the stress container"

    local ports=() i port
    for i in 1 2; do
        port="$(free_port)"
        ports+=("$port")
        "$bin" --no-gui --no-manage --quiet --source cgroup --interval 1 --host-name "prom-agent$i" \
            --listen "127.0.0.1:$port" --token-file "$TMP/token" --data-dir "$TMP/agent$i" \
            >"$TMP/agent$i.log" 2>&1 &
        PIDS+=($!)
    done

    # The shipped file, with this run's targets and token: what a user edits.
    PROM_PORT="$(free_port)"
    sed -e "s|credentials_file: .*|credentials_file: $TMP/token|" \
        -e "s|scrape_interval: 10s|scrape_interval: 1s|" \
        -e "s|scrape_timeout: 5s|scrape_timeout: 1s|" \
        -e "s|- localhost:5000|- 127.0.0.1:${ports[0]}\n          - 127.0.0.1:${ports[1]}|" \
        "$shipped" >"$TMP/prometheus.yml"
    promtool check config "$TMP/prometheus.yml" >"$TMP/promtool.log" 2>&1 ||
        fail "promtool refuses the shipped configuration: $(cat "$TMP/promtool.log")"
    prometheus --config.file="$TMP/prometheus.yml" --storage.tsdb.path="$TMP/tsdb" \
        --web.listen-address="127.0.0.1:$PROM_PORT" >"$TMP/prometheus.log" 2>&1 &
    PIDS+=($!)

    # Wait for both targets up and the container's CPU from both.
    local series="[]" up="[]" t0=$SECONDS
    while ((SECONDS - t0 < 40)); do
        up="$(query 'up{job="stevedore"} == 1' 2>/dev/null || echo '[]')"
        series="$(query "stevedore_container_cpu_percent{id=\"$CONTAINER\"}" 2>/dev/null || echo '[]')"
        if [[ "$(jq length <<<"$up")" == 2 && "$(jq length <<<"$series")" == 2 ]] &&
            jq -e 'any(.[]; (.value[1] | tonumber) > 1)' <<<"$series" >/dev/null; then
            break
        fi
        sleep 0.5
    done
    [[ "$(jq length <<<"$up")" == 2 ]] ||
        fail "not both targets up after 40 s: $(query 'up' || true) $(curl -s "http://127.0.0.1:$PROM_PORT/api/v1/targets" | jq -c '[.data.activeTargets[] | {scrapeUrl, health, lastError}]')"
    [[ "$(jq length <<<"$series")" == 2 ]] ||
        fail "expected the container's CPU series from both instances, got: $series"
    jq -e 'any(.[]; (.value[1] | tonumber) > 1)' <<<"$series" >/dev/null ||
        fail "the stress container shows no CPU use: $series"
    log "CPU series after $((SECONDS - t0)) s: $(jq -c '[.[] | {instance: .metric.instance, name: .metric.name, category: .metric.category, cpu: .value[1]}]' <<<"$series")"

    check_dashboard "$dashboard"

    # The host label (issue 14, item 1): each instance's series name its
    # own --host-name.
    local hosts
    hosts="$(query "count by (host) (stevedore_container_cpu_percent{id=\"$CONTAINER\"})")"
    jq -e '[.[].metric.host] | sort == ["prom-agent1", "prom-agent2"]' <<<"$hosts" >/dev/null ||
        fail "expected the CPU series labelled host=prom-agent1 and host=prom-agent2, got: $(jq -c '[.[].metric]' <<<"$hosts")"
    log "host label: $(jq -c '[.[].metric.host]' <<<"$hosts")"
    log "PASS"
}

main "$@"
