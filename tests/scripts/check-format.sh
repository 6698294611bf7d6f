#!/usr/bin/env bash
# Fails when a C++ file of the project drifts from .clang-format. The kernel
# module is left out on purpose: it follows the kernel's style, which
# checkpatch.pl (tests/kernel/checkpatch.sh) enforces.
#   check-format.sh SOURCE_DIR
set -Eeuo pipefail

main() {
    local root="${1:?usage: check-format.sh SOURCE_DIR}"
    local clang_format
    clang_format="$(command -v clang-format-14 || command -v clang-format || true)"
    if [[ -z "$clang_format" ]]; then
        printf 'check-format: clang-format not found (Debian package clang-format-14)\n' >&2
        exit 1
    fi
    cd "$root"
    local files=()
    mapfile -t files < <(git ls-files -- '*.cpp' '*.h' '*.c' ':!kernel_module/*')
    if ((${#files[@]} == 0)); then
        printf 'check-format: no sources found under %s (not a git checkout?)\n' "$root" >&2
        exit 1
    fi
    local drift=()
    local f
    for f in "${files[@]}"; do
        if ! "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1; then
            drift+=("$f")
        fi
    done
    if ((${#drift[@]} > 0)); then
        printf 'check-format: %d file(s) differ from .clang-format; run clang-format -i on:\n' "${#drift[@]}" >&2
        printf '  %s\n' "${drift[@]}" >&2
        exit 1
    fi
    printf 'check-format: %d files follow .clang-format\n' "${#files[@]}"
}

main "$@"
