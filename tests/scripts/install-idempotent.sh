#!/usr/bin/env bash
# A second run of the install step (ensure_packages over every package list of
# scripts/lib/common.sh) must change nothing and need no network: with every
# package installed it must not call apt-get at all. apt-get and apt are
# replaced via PATH by stubs that record the call and fail, so a name dpkg
# never reports installed (a virtual package such as libqt6svg6-dev) makes
# this test fail instead of silently running `apt-get update` every time.
#   install-idempotent.sh [COMMON_SH]
set -Eeuo pipefail

fail() {
    printf 'FAIL: %s\n' "$*" >&2
    exit 1
}

# The state of the listed packages only: other software may be installed
# on the machine meanwhile.
dpkg_state() {
    dpkg-query -W -f='${Package} ${Version} ${Status}\n' "$@" 2>&1 | sort
}

main() {
    local here common stubs calls before after
    here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
    common="${1:-$here/../../scripts/lib/common.sh}"
    stubs="$(mktemp -d)"
    # shellcheck disable=SC2064 # expand now: the path is fixed
    trap "rm -rf '$stubs'" EXIT
    calls="$stubs/calls"
    local tool
    for tool in apt-get apt; do
        printf '#!/bin/sh\necho "%s $*" >>"%s"\nexit 100\n' "$tool" "$calls" >"$stubs/$tool"
        chmod +x "$stubs/$tool"
    done

    # shellcheck source=../../scripts/lib/common.sh
    source "$common"
    local all=("${BUILD_PACKAGES[@]}" "${RUNTIME_PACKAGES[@]}" "${TEST_PACKAGES[@]}")
    before="$(dpkg_state "${all[@]}")"

    # The stubs must be the ones found: otherwise this test proves nothing.
    [[ "$(PATH="$stubs:$PATH" command -v apt-get)" == "$stubs/apt-get" ]] || fail "apt-get stub not first in PATH"

    # Installed already (scripts/test.sh ran the install step first): nothing to do.
    local out rc=0
    out="$(PATH="$stubs:$PATH" ensure_packages "${all[@]}" 2>&1)" || rc=$?
    if [[ -s "$calls" ]] || ((rc != 0)); then
        printf '%s\n' "$out" >&2
        [[ -s "$calls" ]] && sed 's/^/  called: /' "$calls" >&2
        fail "the install step wanted apt-get although everything is installed (exit $rc)"
    fi
    after="$(dpkg_state "${all[@]}")"
    [[ "$before" == "$after" ]] || fail "the install step changed the listed packages"

    # Control: a name dpkg does not know does reach apt-get (as root; a user
    # is stopped earlier by need_root), so the check above can fail.
    rc=0
    out="$(PATH="$stubs:$PATH" ensure_packages stevedore-no-such-package 2>&1)" || rc=$?
    ((rc != 0)) || fail "ensure_packages accepted a package that does not exist"
    if ((EUID == 0)); then
        grep -q '^apt-get update' "$calls" || fail "control: apt-get stub was not called for a missing package"
    else
        grep -q 'run as root' <<<"$out" || fail "control: unexpected output: $out"
    fi
    printf 'PASS: second install run is a no-op without network (%d packages checked)\n' \
        "${#all[@]}"
}

main "$@"
