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

# Flags the manifests use before this version has them (issue 14, item 2).
readonly PENDING_FLAGS=(--receiver-only)

log() { printf 'kubernetes-test: %s\n' "$*" >&2; }
fail() {
    printf 'kubernetes-test: FAIL: %s\n' "$*" >&2
    exit 1
}

TMP=""
cleanup() { [[ -n "$TMP" ]] && rm -rf "$TMP"; }

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

main() {
    (($# == 2)) || fail "usage: ${0##*/} STEVEDORE_BINARY MANIFEST_DIR"
    local bin="$1"
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
    log "PASS"
}

main "$@"
