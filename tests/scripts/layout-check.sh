#!/usr/bin/env bash
# Fails when the tree leaves the layout the README describes (## Layout):
#  - a library under app/core includes the program's code (cmdoptions.h,
#    settings.h) or a front end's (gui/, headless/, charts/, commands/), or
#    Qt Widgets/Charts;
#  - a library under app/core writes to stdout or stderr (it returns values
#    and typed errors; the program prints);
#  - the model includes metrics/ (the model is the bottom room);
#  - an include under app/ is not written from app/ (app/ is the only
#    include directory: "core/store/logstore.h", "gui/mainwindow.h").
#   layout-check.sh SOURCE_DIR
set -Eeuo pipefail

# Source lines without // comments (a comment may name stdout), each as
# FILE:LINE:TEXT. Strings holding "://" keep their text: the // of a URL
# follows a colon, not a blank.
code_lines() {
    local dir="$1"
    find "$dir" -type f \( -name '*.cpp' -o -name '*.h' \) -print0 \
        | sort -z \
        | xargs -0 -r grep -nH '' \
        | sed -E 's#^([^:]+:[0-9]+:)(.*[[:space:]]|)//.*$#\1\2#; /^[^:]+:[0-9]+:[[:space:]]*\*/d'
}

# The same lines with every string literal emptied: naming a stream in a
# string ("stdout" as a Docker API parameter) is not printing to it.
without_strings() {
    sed -E 's/"([^"\\]|\\.)*"/""/g'
}

# The headers of a folder, by file name: a file under app/core can reach
# them only through an include path it must not have.
headers_of() {
    local dir
    for dir in "$@"; do
        [[ -d "$dir" ]] || continue
        find "$dir" -type f -name '*.h' -printf '%f\n'
    done
}

main() {
    local root="${1:?usage: layout-check.sh SOURCE_DIR}"
    cd "$root"
    if [[ ! -d app/core ]]; then
        printf 'layout-check: no app/core under %s\n' "$root" >&2
        exit 1
    fi
    local violations=()
    local line

    # 1. The core includes no program or front-end code.
    local program_headers=()
    mapfile -t program_headers < <(
        find app -maxdepth 1 -type f -name '*.h' -printf '%f\n'
        headers_of app/gui app/headless app/charts app/commands
    )
    local forbidden='([^"]*/)?(cmdoptions|settings|options)\.h|(\.\./)*(gui|headless|charts|commands)/[^"]*'
    local name
    for name in "${program_headers[@]}"; do
        forbidden+="|${name//./\\.}"
    done
    while IFS= read -r line; do
        violations+=("core includes program or front-end code: $line")
    done < <(code_lines app/core | grep -E "^[^:]+:[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*\"(${forbidden})\"" || true)
    while IFS= read -r line; do
        violations+=("core uses Qt Widgets/Charts: $line")
    done < <(code_lines app/core \
        | grep -E '^[^:]+:[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*<(QtWidgets|QtCharts|QChart|QWidget|QApplication)' \
        || true)

    # 2. The core never prints.
    local printing='std::(cout|cerr|clog)|\b(printf|fprintf|vprintf|vfprintf|puts|fputs|putchar|perror)[[:space:]]*\(|\b(stdout|stderr)\b|STD(OUT|ERR)_FILENO|QTextStream[^;]*\b(stdout|stderr)\b'
    while IFS= read -r line; do
        violations+=("core writes to stdout/stderr: $line")
    done < <(code_lines app/core | without_strings | grep -E "^[^:]+:[0-9]+:.*(${printing})" || true)

    # 3. The model is the bottom room: it includes no metrics/.
    local metrics_headers=()
    mapfile -t metrics_headers < <(headers_of app/core/metrics)
    local metrics='(\.\./)*(core/)?metrics/[^"]*'
    for name in "${metrics_headers[@]}"; do
        metrics+="|${name//./\\.}"
    done
    while IFS= read -r line; do
        violations+=("model includes metrics/: $line")
    done < <(code_lines app/core/model | grep -E "^[^:]+:[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*\"(${metrics})\"" || true)

    # 4. Every project include is written from app/: "X" names app/X.
    local file lineno text target
    while IFS= read -r line; do
        file="${line%%:*}"
        text="${line#*:}"
        lineno="${text%%:*}"
        target="$(sed -E 's/^[^"]*"([^"]+)".*$/\1/' <<<"$text")"
        case "$target" in
        *.moc | moc_*) continue ;;
        esac
        if [[ ! -f "app/$target" ]]; then
            violations+=("include not written from app/: $file:$lineno: \"$target\"")
        fi
    done < <(code_lines app | grep -E '^[^:]+:[0-9]+:[[:space:]]*#[[:space:]]*include[[:space:]]*"' || true)

    if ((${#violations[@]} > 0)); then
        printf 'layout-check: %d violation(s) of the layout (README.md, ## Layout):\n' "${#violations[@]}" >&2
        printf '  %s\n' "${violations[@]}" >&2
        exit 1
    fi
    printf 'layout-check: app/core includes no program code, prints nothing; the model includes no metrics/; '
    printf 'every include is written from app/\n'
}

main "$@"
