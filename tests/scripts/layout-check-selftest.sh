#!/usr/bin/env bash
# Proves layout-check.sh can fail: on a copy of app/, each planted violation
# alone must make it fail, and the unplanted copy must pass.
#   layout-check-selftest.sh SOURCE_DIR
set -Eeuo pipefail

TMP_DIR=""
cleanup() {
    if [[ -n "$TMP_DIR" ]]; then
        rm -rf "$TMP_DIR"
    fi
}

main() {
    local root="${1:?usage: layout-check-selftest.sh SOURCE_DIR}"
    local check
    check="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/layout-check.sh"
    TMP_DIR="$(mktemp -d)"
    trap cleanup EXIT
    local tmp="$TMP_DIR"

    local -A plants=(
        [options]='app/core/engine/engine.cpp|#include "cmdoptions.h"'
        [options-from-core]='app/core/manager/spawner.cpp|#include "../../cmdoptions.h"'
        [settings]='app/core/manager/manager.cpp|#include "settings.h"'
        [gui]='app/core/engine/engine.h|#include "gui/mainwindow.h"'
        [charts]='app/core/receiver/logreceiver.cpp|#include "charts/chartexport.h"'
        [frontend-header]='app/core/receiver/logreceiver.cpp|#include "chartexport.h"'
        [widgets]='app/core/engine/engine.cpp|#include <QWidget>'
        [cout]='app/core/manager/policy.cpp|static void f() { std::cout << 1; }'
        [fprintf]='app/core/manager/policy.cpp|static void f() { std::fprintf(stderr, "x"); }'
        [puts]='app/core/manager/policy.cpp|static void f() { puts("x"); }'
        [qtextstream]='app/core/manager/policy.cpp|static void f() { QTextStream(stdout) << 1; }'
        [model-metrics]='app/core/model/snapshot.cpp|#include "core/metrics/collector.h"'
        [not-from-app]='app/core/engine/engine.cpp|#include "engine.h"'
        [not-from-app-gui]='app/gui/gui.cpp|#include "mainwindow.h"'
    )
    local name file text failures=0
    mkdir -p "$tmp/clean"
    cp -r "$root/app" "$tmp/clean/"
    if ! "$check" "$tmp/clean" >/dev/null 2>&1; then
        printf 'layout-check-selftest: the unplanted tree already fails:\n' >&2
        "$check" "$tmp/clean" >&2 || true
        exit 1
    fi
    for name in "${!plants[@]}"; do
        file="${plants[$name]%%|*}"
        text="${plants[$name]#*|}"
        rm -rf "$tmp/planted"
        cp -r "$tmp/clean" "$tmp/planted"
        if [[ ! -f "$tmp/planted/$file" ]]; then
            printf 'layout-check-selftest: %s: no %s to plant into\n' "$name" "$file" >&2
            failures=$((failures + 1))
            continue
        fi
        printf '%s\n' "$text" >>"$tmp/planted/$file"
        if "$check" "$tmp/planted" >/dev/null 2>&1; then
            printf 'layout-check-selftest: %s planted in %s was not caught\n' "$name" "$file" >&2
            failures=$((failures + 1))
        fi
    done
    # A comment may name stdout: not a violation.
    rm -rf "$tmp/planted"
    cp -r "$tmp/clean" "$tmp/planted"
    printf '// the child writes its stderr here\n' >>"$tmp/planted/app/core/manager/policy.cpp"
    if ! "$check" "$tmp/planted" >/dev/null 2>&1; then
        printf 'layout-check-selftest: a comment naming stderr was reported\n' >&2
        failures=$((failures + 1))
    fi
    # Nor may a string (Docker's logs API takes "stdout" and "stderr").
    rm -rf "$tmp/planted"
    cp -r "$tmp/clean" "$tmp/planted"
    printf 'static const char* const kStreams[] = { "stdout", "std\\"err" };\n' >>"$tmp/planted/app/core/manager/policy.cpp"
    if ! "$check" "$tmp/planted" >/dev/null 2>&1; then
        printf 'layout-check-selftest: a string naming stdout was reported\n' >&2
        failures=$((failures + 1))
    fi
    if ((failures > 0)); then
        exit 1
    fi
    printf 'layout-check-selftest: %d planted violations caught, the clean tree passes\n' "${#plants[@]}"
}

main "$@"
