#!/usr/bin/env bash
# Stevedore against a real rootful Podman, through Podman's Docker-compatible
# API (`podman system service`): the real stevedore binary spawns labelled
# stress containers, sees them in its metrics (Podman's own cgroups), and its
# manager keeps the newest and kills the others. Every container this run
# makes carries stevedore.test=<run> and is removed at exit, whatever happens.
#
# Podman must work here: when it is missing or cannot start a container the
# test FAILS and says why (a skip would pass silently).
#
# The service listens on a socket in a temporary directory, not on
# /run/podman/podman.sock, so a system podman.socket is never disturbed. The
# discovery (no --docker-host, no Docker socket, Podman's socket at
# /run/podman/podman.sock) is checked in a private mount namespace: a tmpfs
# over /run hides Docker's socket and the test socket is bound to Podman's
# default path, for that one `stevedore --once` only.
#
# Machine limit handled here: inside some sandboxes root may not set another
# process's rlimits (prlimit EPERM), and rootful Podman always asks runc for
# RLIMIT_NOFILE/RLIMIT_NPROC, so every container fails with "error setting
# rlimit type 7: operation not permitted". Docker sets none. When a probe
# container fails that way the service runs with a runc wrapper that drops
# process.rlimits from the bundle (the containers then inherit the
# service's limits, as Docker's do) and the test says so.
set -Eeuo pipefail

readonly IMAGE="${STEVEDORE_IMAGE:-containerstack/alpine-stress}"
readonly SPAWN=3

log() { printf 'podman-test: %s\n' "$*" >&2; }
fail() {
    printf 'podman-test: FAIL: %s\n' "$*" >&2
    exit 1
}

TMP=""
SERVICE_PID=""
AGENT_PID=""
RUN=""

cleanup() {
    local status=$?
    if [[ -n "$AGENT_PID" ]]; then
        kill "$AGENT_PID" 2>/dev/null || true
        wait "$AGENT_PID" 2>/dev/null || true
    fi
    if [[ -n "$RUN" ]] && command -v podman >/dev/null; then
        local ids
        ids="$(podman ps -aq --filter "label=stevedore.test=$RUN" 2>/dev/null || true)"
        if [[ -n "$ids" ]]; then
            # shellcheck disable=SC2086 # one id per word
            podman rm -f -t 0 $ids >/dev/null 2>&1 || true
        fi
    fi
    if [[ -n "$SERVICE_PID" ]]; then
        kill "$SERVICE_PID" 2>/dev/null || true
        wait "$SERVICE_PID" 2>/dev/null || true
    fi
    [[ -n "$TMP" ]] && rm -rf "$TMP"
    return "$status"
}

# labelled_ids: the ids of this run's containers, running or not, one a line.
labelled_ids() {
    podman ps -a --no-trunc --format '{{.ID}}' --filter "label=stevedore.test=$RUN"
}

write_runc_wrapper() {
    local wrapper="$1" runc
    runc="$(command -v runc)" || fail "runc is not installed (Podman's OCI runtime)"
    cat >"$wrapper" <<WRAP
#!/usr/bin/env bash
# Drops process.rlimits from the OCI bundle, then runs runc (see podman-test.sh).
set -Eeuo pipefail
bundle=""
args=("\$@")
for ((i = 0; i < \${#args[@]}; i++)); do
    case "\${args[i]}" in
        --bundle | -b) bundle="\${args[i + 1]:-}" ;;
        --bundle=*) bundle="\${args[i]#--bundle=}" ;;
    esac
done
if [[ -n "\$bundle" && -f "\$bundle/config.json" ]]; then
    tmp="\$(mktemp "\$bundle/config.json.XXXXXX")"
    jq 'del(.process.rlimits)' "\$bundle/config.json" >"\$tmp"
    mv "\$tmp" "\$bundle/config.json"
fi
exec "$runc" "\$@"
WRAP
    chmod 0755 "$wrapper"
}

ensure_image() {
    if podman image exists "$IMAGE"; then
        return 0
    fi
    command -v docker >/dev/null || fail "$IMAGE is not in Podman's store and there is no docker to copy it from (build it with scripts/build-stress-image.sh, then: docker save $IMAGE | podman load)"
    docker image inspect "$IMAGE" >/dev/null 2>&1 || fail "$IMAGE is in neither Podman's nor Docker's store: run scripts/build-stress-image.sh"
    log "copying $IMAGE from Docker's store into Podman's"
    docker save "$IMAGE" | podman load -q >/dev/null || fail "podman load of $IMAGE failed"
}

# probe_runtime: prints the --runtime to use ("" for Podman's default).
probe_runtime() {
    local out
    if out="$(podman run --rm --network none --label "stevedore.test=$RUN" "$IMAGE" sh -c true 2>&1)"; then
        return 0
    fi
    if [[ "$out" == *"error setting rlimit"* ]]; then
        log "this machine refuses Podman's container rlimits ($(tr '\n' ' ' <<<"$out" | cut -c1-160)); using a runc wrapper without process.rlimits"
        write_runc_wrapper "$TMP/runc-no-rlimits"
        out="$(podman --runtime "$TMP/runc-no-rlimits" run --rm --network none --label "stevedore.test=$RUN" "$IMAGE" sh -c true 2>&1)" ||
            fail "podman cannot run a container here even without rlimits: $out"
        printf '%s\n' "$TMP/runc-no-rlimits"
        return 0
    fi
    fail "podman cannot run a container here: $out"
}

start_service() {
    local runtime="$1" sock="$2" i
    local args=()
    [[ -n "$runtime" ]] && args+=(--runtime "$runtime")
    podman "${args[@]}" system service --time=0 "unix://$sock" >"$TMP/service.log" 2>&1 &
    SERVICE_PID=$!
    for ((i = 0; i < 100; i++)); do
        if curl -sf --unix-socket "$sock" http://d/_ping >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$SERVICE_PID" 2>/dev/null || fail "podman system service exited: $(cat "$TMP/service.log")"
        sleep 0.1
    done
    fail "podman system service did not answer on $sock within 10 s"
}

main() {
    (($# == 1)) || fail "usage: ${0##*/} STEVEDORE_BINARY"
    local bin="$1"
    [[ -x "$bin" ]] || fail "$bin is not executable"
    ((EUID == 0)) || fail "needs root: the test drives rootful Podman"
    command -v podman >/dev/null || fail "podman is not installed (Debian package podman, in TEST_PACKAGES)"
    command -v jq >/dev/null || fail "jq is not installed"
    command -v curl >/dev/null || fail "curl is not installed"

    TMP="$(mktemp -d)"
    RUN="podman-$$-$RANDOM"
    trap cleanup EXIT
    log "$(podman --version), cgroups $(podman info --format '{{.Host.CgroupsVersion}} {{.Host.CgroupManager}}')"

    ensure_image
    local runtime sock="$TMP/podman.sock"
    runtime="$(probe_runtime)"
    start_service "$runtime" "$sock"
    local host="unix://$sock"

    # Spawn: the real binary, through the Docker API that Podman serves.
    local t0=$SECONDS
    STEVEDORE_NETWORK=none STEVEDORE_TYPES=cpu STEVEDORE_LABELS="stevedore.test=$RUN" \
        timeout 60 "$bin" --docker-host "$host" --image "$IMAGE" --spawn "$SPAWN" >"$TMP/spawn.out" 2>&1 ||
        fail "stevedore --spawn $SPAWN through Podman failed: $(cat "$TMP/spawn.out")"
    local running
    running="$(podman ps -q --filter "label=stevedore.test=$RUN" --filter label=stevedore.managed=true | wc -l)"
    ((running == SPAWN)) || fail "expected $SPAWN running managed containers after --spawn, found $running: $(cat "$TMP/spawn.out")"
    log "spawned $SPAWN containers in $((SECONDS - t0)) s"

    # Monitor: the snapshot names Podman's containers and measures their CPU
    # from Podman's cgroups (/libpod_parent/libpod-<id> on cgroupfs).
    local newest snapshot
    newest="$(podman ps --no-trunc --filter "label=stevedore.test=$RUN" --sort created --format '{{.ID}}' | tail -n 1)"
    snapshot="$(timeout 30 "$bin" --docker-host "$host" --once --json --source cgroup --sample-gap 1 2>"$TMP/once.err")" ||
        fail "stevedore --once through Podman failed: $(cat "$TMP/once.err")"
    local seen busy
    seen="$(jq --arg run "$RUN" '[.containers[] | select(.labels["stevedore.test"] == $run)] | length' <<<"$snapshot")"
    ((seen == SPAWN)) || fail "the snapshot shows $seen of this run's $SPAWN containers: $(jq -c '.containers' <<<"$snapshot" | cut -c1-600)"
    busy="$(jq --arg run "$RUN" '[.containers[] | select(.labels["stevedore.test"] == $run and .cpu_percent > 1)] | length' <<<"$snapshot")"
    ((busy == SPAWN)) || fail "only $busy of $SPAWN stress containers show CPU use (cgroup not found?): $(jq -c --arg run "$RUN" '[.containers[] | select(.labels["stevedore.test"] == $run)]' <<<"$snapshot" | cut -c1-600)"
    log "snapshot: $seen containers, CPU % $(jq -c --arg run "$RUN" '[.containers[] | select(.labels["stevedore.test"] == $run) | .cpu_percent]' <<<"$snapshot")"

    # Found with no flag: Docker's socket absent, Podman's at its default path.
    local found
    # shellcheck disable=SC2016 # the inner script expands its own arguments
    found="$(unshare --mount --propagation private -- bash -c '
        set -Eeuo pipefail
        mount -t tmpfs -o size=1m stevedore-test /run
        mkdir -p /run/podman
        : >/run/podman/podman.sock
        mount --bind "$1" /run/podman/podman.sock
        [[ ! -e /var/run/docker.sock ]] || { echo "Docker socket still visible" >&2; exit 1; }
        timeout 30 "$2" --once --json --source cgroup --sample-gap 0.5
    ' _ "$sock" "$bin" 2>"$TMP/found.err")" ||
        fail "stevedore --once without --docker-host in a namespace without Docker's socket failed: $(cat "$TMP/found.err")"
    seen="$(jq --arg run "$RUN" '[.containers[] | select(.labels["stevedore.test"] == $run)] | length' <<<"$found")"
    ((seen == SPAWN)) || fail "with no Docker socket and no flag, Stevedore did not find Podman's socket: $seen of $SPAWN containers have Podman's labels ($(cat "$TMP/found.err"))"
    log "no flag, no Docker socket: found /run/podman/podman.sock and $seen containers"

    # Keep-newest and kill: the service's manager, scoped to this run.
    STEVEDORE_SCOPE_LABELS="stevedore.test=$RUN" "$bin" --no-gui --quiet --no-listen --source cgroup \
        --docker-host "$host" --interval 1 --data-dir "$TMP/data" >"$TMP/agent.out" 2>&1 &
    AGENT_PID=$!
    local left="" i
    for ((i = 0; i < 300; i++)); do
        left="$(labelled_ids)"
        [[ "$(wc -l <<<"$left")" == 1 && -n "$left" ]] && break
        kill -0 "$AGENT_PID" 2>/dev/null || fail "stevedore --no-gui exited: $(cat "$TMP/agent.out")"
        sleep 0.1
    done
    [[ "$(wc -l <<<"$left")" == 1 && -n "$left" ]] ||
        fail "the manager left $(wc -l <<<"$left") containers of $SPAWN after 30 s: $(tail -n 20 "$TMP/agent.out")"
    [[ "$left" == "$newest" ]] || fail "the manager kept $left, not the newest $newest"
    [[ "$(podman inspect --format '{{.State.Running}}' "$newest")" == true ]] || fail "the newest container is not running"
    kill "$AGENT_PID"
    wait "$AGENT_PID" || fail "stevedore --no-gui did not stop cleanly on SIGTERM: $(tail -n 20 "$TMP/agent.out")"
    AGENT_PID=""
    log "keep-newest: kept ${newest:0:12}, killed and removed $((SPAWN - 1)); total $((SECONDS - t0)) s"
    log "PASS"
}

main "$@"
