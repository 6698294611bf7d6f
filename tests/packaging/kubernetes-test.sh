#!/usr/bin/env bash
# Validates packaging/kubernetes offline: `kubectl kustomize` renders the set
# (YAML syntax, every listed file, kustomize's own checks), then
# kubernetes-check.py checks each kind's fields and the links between
# objects, and every stevedore flag the manifests pass against the built
# binary's --help. `kubectl apply --dry-run=client --validate=false` is not
# used: it still asks an API server for its resource list, and there is none
# here. Then broken copies are planted, one fault each, and every one must be
# refused: a check that cannot fail proves nothing.
set -Eeuo pipefail

# Flags the manifests use before this version has them (none since
# --receiver-only exists; a flag missing from --help is a failure).
readonly PENDING_FLAGS=()

log() { printf 'kubernetes-test: %s\n' "$*" >&2; }
fail() {
    printf 'kubernetes-test: FAIL: %s\n' "$*" >&2
    exit 1
}

TMP=""
AGENT_PID=""
cleanup() {
    if [[ -n "$AGENT_PID" ]]; then
        kill "$AGENT_PID" 2>/dev/null || true
        wait "$AGENT_PID" 2>/dev/null || true
    fi
    [[ -n "$TMP" ]] && rm -rf "$TMP"
}

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
readonly HERE

# validate DIR: renders and checks DIR; output in $TMP/last.log.
validate() {
    local dir="$1"
    {
        KUBECONFIG=/dev/null kubectl kustomize "$dir" >"$TMP/rendered.yaml" &&
            python3 "$HERE/kubernetes-check.py" "$TMP/help.txt" "${PENDING_FLAGS[@]}" <"$TMP/rendered.yaml"
    } >"$TMP/last.log" 2>&1
}

# plant NAME FILE SED_EXPR: a copy of the set with one fault; it must fail.
plant() {
    local name="$1" file="$2" expr="$3" copy="$TMP/broken"
    rm -rf "$copy"
    cp -r "$MANIFESTS" "$copy"
    sed -i -e "$expr" "$copy/$file"
    cmp -s "$MANIFESTS/$file" "$copy/$file" && fail "planted fault \"$name\" changed nothing in $file (the test is stale)"
    if validate "$copy"; then
        fail "planted fault \"$name\" was accepted: $(cat "$TMP/last.log")"
    fi
    log "refused as it should: $name ($(grep -v '^[0-9]* objects checked' "$TMP/last.log" | head -n 1 | cut -c1-150))"
}

# run_agent_as_in_pod BIN: the DaemonSet's args and user, on this host.
run_agent_as_in_pod() {
    local bin="$1" port uid token="$TMP/pod-token" data="$TMP/pod-data" i
    local -a args
    while :; do
        port=$((20000 + RANDOM % 20000))
        ss -Hltn "sport = :$port" | grep -q . || break
    done
    uid="$(python3 -c '
import sys, yaml
for o in yaml.safe_load_all(sys.stdin):
    if o and o.get("kind") == "DaemonSet":
        print(o["spec"]["template"]["spec"]["securityContext"]["runAsUser"])
' <"$TMP/rendered.yaml")"
    [[ "$uid" =~ ^[0-9]+$ ]] || fail "no runAsUser in the DaemonSet"
    ((uid != 0)) || fail "the DaemonSet runs as root"
    printf 'pod-token-%s\n' "$RANDOM" >"$token"
    chown "root:$uid" "$token"
    chmod 0440 "$token"
    mkdir "$data"
    chown "$uid:$uid" "$data"
    chmod 0755 "$TMP"
    mapfile -t args < <(python3 -c '
import sys, yaml
for o in yaml.safe_load_all(sys.stdin):
    if o and o.get("kind") == "DaemonSet":
        print("\n".join(o["spec"]["template"]["spec"]["containers"][0]["args"]))
' <"$TMP/rendered.yaml" | sed \
        -e "s|^/host/proc\$|/proc|" -e "s|^/host/sys/fs/cgroup\$|/sys/fs/cgroup|" \
        -e "s|^unix:///host/run/|unix:///run/|" -e "s|^/etc/stevedore/token\$|$token|" \
        -e "s|^/var/lib/stevedore\$|$data|" -e "s|^0\.0\.0\.0:5000\$|127.0.0.1:$port|" \
        -e "s|^\$(POD_IP)\$|127.0.0.1|" -e "s|^http://stevedore-receiver:5000/|http://127.0.0.1:$port/|")
    ((${#args[@]} > 0)) || fail "no args in the DaemonSet"
    HOME=/nonexistent QT_QPA_PLATFORM=offscreen setpriv --reuid "$uid" --regid "$uid" --clear-groups \
        "$bin" "${args[@]}" >"$TMP/pod.log" 2>&1 &
    AGENT_PID=$!
    local metrics=""
    for ((i = 0; i < 100; i++)); do
        kill -0 "$AGENT_PID" 2>/dev/null || fail "the DaemonSet's command exited as uid $uid: $(cat "$TMP/pod.log")"
        metrics="$(curl -sf -H "Authorization: Bearer $(cat "$token")" "http://127.0.0.1:$port/metrics" || true)"
        grep -Eq '^stevedore_host_cpus\{host="[^"]+"\} [1-9]' <<<"$metrics" && break
        sleep 0.1
    done
    grep -Eq '^stevedore_host_cpus\{host="[^"]+"\} [1-9]' <<<"$metrics" ||
        fail "the DaemonSet's command as uid $uid serves no host metrics: $(cat "$TMP/pod.log")"
    [[ "$(curl -sf "http://127.0.0.1:$port/healthz" | jq -r .status)" == ok ]] ||
        fail "the DaemonSet's command as uid $uid is not healthy: $(cat "$TMP/pod.log")"
    kill "$AGENT_PID"
    wait "$AGENT_PID" || fail "the DaemonSet's command did not stop cleanly: $(cat "$TMP/pod.log")"
    AGENT_PID=""
    log "the DaemonSet's command runs as uid $uid: /healthz ok, $(grep -c '^stevedore_' <<<"$metrics") series on /metrics"
}

main() {
    (($# == 2)) || fail "usage: ${0##*/} STEVEDORE_BINARY MANIFEST_DIR"
    local bin="$1" tool
    MANIFESTS="$2"
    [[ -x "$bin" ]] || fail "$bin is not executable"
    [[ -f "$MANIFESTS/kustomization.yaml" ]] || fail "no kustomization.yaml in $MANIFESTS"
    command -v kubectl >/dev/null || fail "kubectl is not installed (Debian package kubernetes-client)"
    python3 -c 'import yaml' 2>/dev/null || fail "python3-yaml is not installed"
    TMP="$(mktemp -d)"
    trap cleanup EXIT
    QT_QPA_PLATFORM=offscreen "$bin" --help >"$TMP/help.txt" 2>&1 || fail "$bin --help failed"

    validate "$MANIFESTS" || fail "the shipped manifests are refused: $(cat "$TMP/last.log")"
    log "shipped manifests: $(tr '\n' ' ' <"$TMP/last.log")"

    plant "YAML syntax" agent-daemonset.yaml 's/^  selector:$/ selector:/'
    plant "/proc not read-only" agent-daemonset.yaml '/mountPath: \/host\/proc$/{n;s/readOnly: true/readOnly: false/}'
    plant "no hostPID" agent-daemonset.yaml 's/hostPID: true/hostPID: false/'
    plant "no memory limit" agent-daemonset.yaml '/limits:/,/memory:/{/memory:/d}'
    plant "unknown flag" agent-daemonset.yaml 's/- --no-manage$/- --no-manaeg/'
    plant "Service port typo" agent-service.yaml 's/targetPort: metrics/targetPort: metric/'
    plant "selector mismatch" receiver-deployment.yaml '0,/name: stevedore-receiver$/!{/matchLabels:/{n;s/stevedore-receiver/stevedore-recv/}}'
    plant "missing PVC" receiver-deployment.yaml 's/claimName: stevedore-receiver-data/claimName: nowhere/'
    plant "two receiver writers" receiver-deployment.yaml 's/replicas: 1/replicas: 2/'
    plant "token not from the Secret" agent-servicemonitor.yaml 's/key: token/key: tokn/'
    plant "missing file" kustomization.yaml 's/- receiver-pvc.yaml/- receiver-pvcs.yaml/'

    validate "$MANIFESTS" || fail "the shipped manifests are refused: $(cat "$TMP/last.log")"
    ((EUID == 0)) || fail "needs root to run the DaemonSet's command as its runAsUser"
    for tool in setpriv curl jq ss; do
        command -v "$tool" >/dev/null || fail "$tool is not installed"
    done
    run_agent_as_in_pod "$bin"
    log "PASS"
}

main "$@"
