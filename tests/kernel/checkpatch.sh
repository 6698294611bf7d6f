#!/usr/bin/env bash
# Runs the kernel's checkpatch.pl --no-tree --strict on a file and fails on
# any error, warning or check.
#
#   checkpatch.sh CACHE_DIR FILE
#
# checkpatch.pl comes from $CHECKPATCH if set, else from a kernel tree's
# scripts/ (/lib/modules/*/build or /usr/src/linux-source-*), else it is
# extracted once into CACHE_DIR from Debian's linux-source package tarball
# (/usr/src/linux-source-<v>.tar.xz; `apt-get install linux-source-6.1`):
# only checkpatch.pl, spelling.txt and const_structs.checkpatch.
set -Eeuo pipefail

die() {
    printf 'checkpatch.sh: %s\n' "$*" >&2
    exit 1
}

find_checkpatch() {
    local cache=$1 candidate tarball top
    if [[ -n ${CHECKPATCH:-} ]]; then
        [[ -r $CHECKPATCH ]] || die "CHECKPATCH=$CHECKPATCH is not readable"
        printf '%s\n' "$CHECKPATCH"
        return
    fi
    for candidate in "$cache"/scripts/checkpatch.pl /lib/modules/*/build/scripts/checkpatch.pl \
        /usr/src/linux-source-*/scripts/checkpatch.pl; do
        if [[ -r $candidate && -r ${candidate%/*}/spelling.txt ]]; then
            printf '%s\n' "$candidate"
            return
        fi
    done
    tarball=$(compgen -G '/usr/src/linux-source-*.tar.xz' | sort -V | tail -n 1) \
        || die "checkpatch.pl not found: install linux-source-6.1 (or set CHECKPATCH)"
    top=$(basename "$tarball" .tar.xz)
    mkdir -p "$cache/extract"
    # --occurrence: stop reading the 130 MB archive once all three are out.
    tar -xJf "$tarball" -C "$cache/extract" --occurrence \
        "$top/scripts/checkpatch.pl" "$top/scripts/spelling.txt" "$top/scripts/const_structs.checkpatch" \
        || die "cannot extract checkpatch.pl from $tarball"
    rm -rf "$cache/scripts"
    mv "$cache/extract/$top/scripts" "$cache/scripts"
    rm -rf "$cache/extract"
    printf '%s\n' "$cache/scripts/checkpatch.pl"
}

main() {
    [[ $# == 2 ]] || die "usage: checkpatch.sh CACHE_DIR FILE"
    local cache=$1 file=$2 checkpatch status
    command -v perl >/dev/null || die "perl not found"
    mkdir -p "$cache"
    checkpatch=$(find_checkpatch "$cache")
    perl "$checkpatch" --no-tree --strict --no-summary --terse --show-types -f "$file" && status=0 || status=$?
    if [[ $status != 0 ]]; then
        die "checkpatch.pl reported problems in $file"
    fi
    printf 'checkpatch.pl --no-tree --strict: %s is clean\n' "$file"
}

main "$@"
