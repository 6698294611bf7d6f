#!/usr/bin/env bash
# Stevedore's Docker client over TLS, against the real engine, the way the
# docker CLI is set up: DOCKER_HOST=tcp://... with DOCKER_TLS_VERIFY /
# DOCKER_TLS and DOCKER_CERT_PATH, and docker contexts with TLS material
# (DOCKER_CONFIG points at a temporary directory: the user's ~/.docker is
# never read nor written).
#
# The shared dockerd is not reconfigured: socat terminates TLS in front of
# its unix socket, requiring a client certificate signed by a CA made here
# with openssl (server certificate for IP 127.0.0.1 only). The real stevedore
# binary spawns a labelled container through it (--spawn) and sees it in a
# snapshot (--once); then every way it should fail is tried and the message
# checked: no client certificate, a CA that did not sign the daemon's
# certificate, a host name the certificate does not name, TLS towards a plain
# tcp endpoint, missing and half-present files.
#
# Everything this run creates carries stevedore.test=<run> and is removed at
# exit, whatever happens. Missing socat or openssl FAILS with the reason.
set -Eeuo pipefail

readonly IMAGE="${STEVEDORE_IMAGE:-containerstack/alpine-stress}"

log() { printf 'docker-tls-test: %s\n' "$*" >&2; }
fail() {
    printf 'docker-tls-test: FAIL: %s\n' "$*" >&2
    exit 1
}

TMP=""
RUN=""
PIDS=()

cleanup() {
    local status=$? pid ids
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [[ -n "$RUN" ]]; then
        ids="$(env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_TLS -u DOCKER_CERT_PATH \
            docker ps -aq --filter "label=stevedore.test=$RUN" 2>/dev/null || true)"
        if [[ -n "$ids" ]]; then
            # shellcheck disable=SC2086 # one id per word
            env -u DOCKER_HOST -u DOCKER_CONTEXT docker rm -f $ids >/dev/null 2>&1 || true
        fi
    fi
    [[ -n "$TMP" ]] && rm -rf "$TMP"
    return "$status"
}

# pem DIR NAME CN EXT CA: a P-256 key and a certificate signed by CA (a
# directory holding ca.pem and ca-key.pem) with the given extensions.
sign() {
    local dir="$1" name="$2" cn="$3" ext="$4" ca="$5"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
        -keyout "$dir/$name-key.pem" -out "$dir/$name.csr" -subj "/CN=$cn" 2>/dev/null
    printf '%s\n' "$ext" >"$dir/$name.ext"
    openssl x509 -req -in "$dir/$name.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca-key.pem" \
        -set_serial "0x$(openssl rand -hex 8)" -days 1 -extfile "$dir/$name.ext" -out "$dir/$name.pem" 2>/dev/null
}

make_ca() {
    local dir="$1" cn="$2"
    mkdir -p "$dir"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
        -keyout "$dir/ca-key.pem" -out "$dir/ca.pem" -subj "/CN=$cn" 2>/dev/null
}

# certdir DIR CA CLIENT: a DOCKER_CERT_PATH with CA's ca.pem and, when
# CLIENT is not empty, cert.pem and key.pem from that prefix.
certdir() {
    local dir="$1" ca="$2" client="$3"
    mkdir -p "$dir"
    [[ -n "$ca" ]] && cp "$ca" "$dir/ca.pem"
    if [[ -n "$client" ]]; then
        cp "$client.pem" "$dir/cert.pem"
        cp "$client-key.pem" "$dir/key.pem"
    fi
    return 0
}

# context CONFIG NAME HOST SKIP FILESDIR: a docker context as `docker context
# create` stores it, with the TLS files of FILESDIR (when not empty).
context() {
    local config="$1" name="$2" host="$3" skip="$4" files="$5" digest f
    digest="$(printf '%s' "$name" | sha256sum | cut -d' ' -f1)"
    mkdir -p "$config/contexts/meta/$digest"
    jq -n --arg name "$name" --arg host "$host" --argjson skip "$skip" \
        '{Name: $name, Metadata: {Description: "stevedore test"}, Endpoints: {docker: {Host: $host, SkipTLSVerify: $skip}}}' \
        >"$config/contexts/meta/$digest/meta.json"
    if [[ -n "$files" ]]; then
        mkdir -p "$config/contexts/tls/$digest/docker"
        for f in ca.pem cert.pem key.pem; do
            [[ -f "$files/$f" ]] && cp "$files/$f" "$config/contexts/tls/$digest/docker/$f"
        done
    fi
    return 0
}

free_port() {
    local port
    for _ in $(seq 50); do
        port=$((20000 + RANDOM % 30000))
        if ! ss -Htln "sport = :$port" | grep -q .; then
            printf '%s\n' "$port"
            return 0
        fi
    done
    fail "no free tcp port found"
}

# listen NAME PORT ADDRESS...: starts socat, waits until the port accepts.
listen() {
    local name="$1" port="$2"
    shift 2
    socat "$@" >"$TMP/$name.log" 2>&1 &
    local pid=$!
    PIDS+=("$pid")
    for _ in $(seq 100); do
        if ss -Htln "sport = :$port" | grep -q .; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || fail "socat ($name) exited: $(cat "$TMP/$name.log")"
        sleep 0.05
    done
    fail "socat ($name) did not listen on $port within 5 s"
}

# stevedore VAR=value... -- ARGS...: the binary with a clean Docker
# environment (no DOCKER_* of the caller) plus the given variables.
stevedore() {
    local vars=()
    while [[ "$1" != "--" ]]; do
        vars+=("$1")
        shift
    done
    shift
    env -u DOCKER_HOST -u DOCKER_CONTEXT -u DOCKER_TLS_VERIFY -u DOCKER_TLS -u DOCKER_CERT_PATH \
        DOCKER_CONFIG="$TMP/empty-config" "${vars[@]}" timeout 30 "$BIN" "$@"
}

# sees WHAT VAR=value...: `--once --json` must list this run's container.
sees() {
    local what="$1" out seen
    shift
    out="$(stevedore "$@" -- --once --json --source cgroup --sample-gap 0.2 2>"$TMP/once.err")" ||
        fail "$what: stevedore --once failed: $(cat "$TMP/once.err")"
    [[ ! -s "$TMP/once.err" ]] || fail "$what: stevedore --once complained: $(cat "$TMP/once.err")"
    seen="$(jq --arg run "$RUN" '[.containers[] | select(.labels["stevedore.test"] == $run)] | length' <<<"$out")"
    ((seen == 1)) || fail "$what: the snapshot shows $seen of this run's 1 container"
    log "ok: $what"
}

# refuses WHAT PATTERN VAR=value...: `--once` must say PATTERN on stderr
# and show none of this run's containers with their labels.
refuses() {
    local what="$1" pattern="$2" out seen
    shift 2
    out="$(stevedore "$@" -- --once --json --source cgroup --sample-gap 0.2 2>"$TMP/once.err")" ||
        fail "$what: stevedore --once exited with an error: $(cat "$TMP/once.err")"
    grep -qF -- "$pattern" "$TMP/once.err" ||
        fail "$what: expected \"$pattern\" on stderr, got: $(cat "$TMP/once.err")"
    seen="$(jq --arg run "$RUN" '[.containers[] | select(.labels["stevedore.test"] == $run)] | length' <<<"$out")"
    ((seen == 0)) || fail "$what: Docker's labels were shown although the connection must fail"
    log "ok: $what: $(head -c 300 "$TMP/once.err")"
}

main() {
    (($# == 1)) || fail "usage: ${0##*/} STEVEDORE_BINARY"
    BIN="$1"
    [[ -x "$BIN" ]] || fail "$BIN is not executable"
    local tool
    for tool in socat openssl jq docker ss sha256sum; do
        command -v "$tool" >/dev/null || fail "$tool is not installed (scripts/lib/common.sh TEST_PACKAGES)"
    done
    [[ -S /var/run/docker.sock ]] || fail "no Docker socket at /var/run/docker.sock"
    docker image inspect "$IMAGE" >/dev/null 2>&1 || fail "$IMAGE is missing: run scripts/build-stress-image.sh"

    TMP="$(mktemp -d)"
    RUN="docker-tls-$$-$RANDOM"
    trap cleanup EXIT
    local t0=$SECONDS
    mkdir -p "$TMP/empty-config"

    # A CA for the daemon and its clients, and a stranger CA.
    local pki="$TMP/pki"
    make_ca "$pki" "stevedore test CA $RUN"
    make_ca "$TMP/other" "another CA"
    sign "$pki" server 127.0.0.1 $'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth' "$pki"
    sign "$pki" client stevedore $'extendedKeyUsage=clientAuth' "$pki"
    sign "$TMP/other" client stevedore $'extendedKeyUsage=clientAuth' "$TMP/other"

    local tls_port plain_port
    tls_port="$(free_port)"
    listen tls "$tls_port" \
        "OPENSSL-LISTEN:$tls_port,bind=127.0.0.1,reuseaddr,fork,cert=$pki/server.pem,key=$pki/server-key.pem,cafile=$pki/ca.pem,verify=1" \
        UNIX-CONNECT:/var/run/docker.sock
    plain_port="$(free_port)"
    listen plain "$plain_port" "TCP-LISTEN:$plain_port,bind=127.0.0.1,reuseaddr,fork" UNIX-CONNECT:/var/run/docker.sock
    local host="tcp://127.0.0.1:$tls_port"

    local good="$TMP/certs/good" noclient="$TMP/certs/noclient" wrongca="$TMP/certs/wrongca"
    local strangerclient="$TMP/certs/strangerclient" halfpair="$TMP/certs/halfpair"
    certdir "$good" "$pki/ca.pem" "$pki/client"
    certdir "$noclient" "$pki/ca.pem" ""
    certdir "$wrongca" "$TMP/other/ca.pem" "$pki/client"
    certdir "$strangerclient" "$pki/ca.pem" "$TMP/other/client"
    certdir "$halfpair" "$pki/ca.pem" ""
    cp "$pki/client.pem" "$halfpair/cert.pem"

    # Spawn through TLS: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH.
    STEVEDORE_NETWORK=none STEVEDORE_TYPES=cpu STEVEDORE_LABELS="stevedore.test=$RUN" \
        stevedore DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$good" -- \
        --image "$IMAGE" --spawn 1 >"$TMP/spawn.out" 2>&1 ||
        fail "stevedore --spawn 1 over TLS failed: $(cat "$TMP/spawn.out")"
    local made
    made="$(docker ps -q --filter "label=stevedore.test=$RUN" --filter label=stevedore.managed=true | wc -l)"
    ((made == 1)) || fail "expected 1 running managed container after --spawn over TLS, found $made: $(cat "$TMP/spawn.out")"
    log "ok: --spawn 1 over TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)"

    sees "DOCKER_HOST + DOCKER_TLS_VERIFY + DOCKER_CERT_PATH" \
        DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$good"
    # --docker-host is the CLI's -H: the TLS variables apply to it too.
    local out
    out="$(stevedore DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$good" -- --docker-host "$host" --once --json \
        --source cgroup --sample-gap 0.2 2>"$TMP/once.err")" || fail "--docker-host over TLS: $(cat "$TMP/once.err")"
    [[ "$(jq --arg run "$RUN" '[.containers[] | select(.labels["stevedore.test"] == $run)] | length' <<<"$out")" == 1 ]] ||
        fail "--docker-host over TLS: container not seen ($(cat "$TMP/once.err"))"
    log "ok: --docker-host + DOCKER_TLS_VERIFY"
    # The default cert path is the config dir (DOCKER_CONFIG).
    sees "DOCKER_TLS_VERIFY with the files in DOCKER_CONFIG" \
        DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CONFIG="$good"
    # DOCKER_TLS: TLS without checking the daemon, so a wrong ca.pem is fine.
    sees "DOCKER_TLS (no verification) with a stranger ca.pem" \
        DOCKER_HOST="$host" DOCKER_TLS=1 DOCKER_CERT_PATH="$wrongca"

    # Contexts, in a config dir made here.
    local config="$TMP/config"
    mkdir -p "$config"
    printf '{"currentContext": "tls-remote"}\n' >"$config/config.json"
    context "$config" tls-remote "$host" false "$good"
    context "$config" tls-skip "$host" true "$wrongca"
    context "$config" tls-plain-files "tcp://127.0.0.1:$plain_port" false ""
    context "$config" tls-noclient "$host" false "$noclient"
    sees "currentContext with TLS material" DOCKER_CONFIG="$config"
    sees "DOCKER_CONTEXT with SkipTLSVerify and a stranger ca.pem" DOCKER_CONFIG="$config" DOCKER_CONTEXT=tls-skip
    # A named context ignores the TLS variables, as the CLI does.
    sees "a context ignores DOCKER_TLS_VERIFY and DOCKER_CERT_PATH" \
        DOCKER_CONFIG="$config" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$TMP/nowhere"
    sees "a context without TLS material is plain tcp" DOCKER_CONFIG="$config" DOCKER_CONTEXT=tls-plain-files
    # --context, as docker --context: over DOCKER_HOST and DOCKER_CONTEXT.
    out="$(stevedore DOCKER_CONFIG="$config" DOCKER_HOST="tcp://127.0.0.1:$plain_port" DOCKER_CONTEXT=tls-noclient -- \
        --context tls-remote --once --json --source cgroup --sample-gap 0.2 2>"$TMP/once.err")" ||
        fail "--context: $(cat "$TMP/once.err")"
    [[ ! -s "$TMP/once.err" ]] || fail "--context complained: $(cat "$TMP/once.err")"
    [[ "$(jq --arg run "$RUN" '[.containers[] | select(.labels["stevedore.test"] == $run)] | length' <<<"$out")" == 1 ]] ||
        fail "--context tls-remote: container not seen"
    log "ok: --context over DOCKER_HOST and DOCKER_CONTEXT"

    # Failures, each with what to fix.
    refuses "no client certificate: the daemon closes the connection" \
        "Docker TLS: tcp://127.0.0.1:$tls_port closed the connection after the handshake" \
        DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$noclient"
    refuses "a context without a client certificate" "requires a client certificate" \
        DOCKER_CONFIG="$config" DOCKER_CONTEXT=tls-noclient
    refuses "a client certificate from another CA" "closed the connection after the handshake" \
        DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$strangerclient"
    refuses "the daemon's certificate is not signed by ca.pem" \
        "Docker TLS: certificate verify failed for tcp://127.0.0.1:$tls_port" \
        DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$wrongca"
    refuses "the certificate does not name the host" "Docker TLS: certificate verify failed for tcp://localhost:$tls_port" \
        DOCKER_HOST="tcp://localhost:$tls_port" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$good"
    refuses "DOCKER_TLS_VERIFY towards a plain tcp endpoint" \
        "Docker TLS: handshake failed with tcp://127.0.0.1:$plain_port" \
        DOCKER_HOST="tcp://127.0.0.1:$plain_port" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$good"
    refuses "no ca.pem in DOCKER_CERT_PATH" "DOCKER_TLS_VERIFY is set but there is no $TMP/nowhere/ca.pem" \
        DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$TMP/nowhere"
    refuses "cert.pem without key.pem" "a client certificate needs its key" \
        DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$halfpair"

    # A refused configuration creates nothing and exits non-zero.
    if STEVEDORE_NETWORK=none STEVEDORE_TYPES=cpu STEVEDORE_LABELS="stevedore.test=$RUN" \
        stevedore DOCKER_HOST="$host" DOCKER_TLS_VERIFY=1 DOCKER_CERT_PATH="$wrongca" -- \
        --image "$IMAGE" --spawn 1 >"$TMP/spawn.out" 2>&1; then
        fail "--spawn with a CA that did not sign the daemon's certificate succeeded: $(cat "$TMP/spawn.out")"
    fi
    grep -qF "Docker TLS: certificate verify failed" "$TMP/spawn.out" ||
        fail "--spawn with a wrong CA: no clear message: $(cat "$TMP/spawn.out")"
    made="$(docker ps -aq --filter "label=stevedore.test=$RUN" | wc -l)"
    ((made == 1)) || fail "--spawn through a refused TLS connection changed the container count to $made"
    log "ok: --spawn with a wrong CA exits non-zero: $(grep -m1 'Docker TLS' "$TMP/spawn.out" | head -c 200)"

    log "PASS in $((SECONDS - t0)) s"
}

main "$@"
