#!/usr/bin/env bash
# Tests of the Debian packages made by packaging/ (CPack). Three steps, one
# ctest each (tests/packaging/CMakeLists.txt):
#
#   packaging-test.sh build  BUILD_DIR WORK_DIR   cpack -G DEB; control fields
#                                                  and file lists
#   packaging-test.sh lint   BUILD_DIR WORK_DIR   lintian, desktop-file-validate,
#                                                  appstreamcli, man, shellcheck,
#                                                  systemd-analyze security
#   packaging-test.sh chroot BUILD_DIR WORK_DIR   installs both packages and their
#                                                  dependencies into a clean Debian
#                                                  12 root, runs stevedore there,
#                                                  lets DKMS build the module
#                                                  against Debian's headers, purges
#
# The chroot step debootstraps bookworm (minbase) from the host's mirror once
# and keeps it as WORK_DIR/cache/bookworm-minbase.tar; downloaded .debs stay in
# WORK_DIR/cache/apt-archives, so reruns download nothing. It runs in its own
# mount namespace (unshare), so no mount can outlive it, and still unmounts
# everything on every exit. The module is built inside the root, for the host's
# newest kernel that has Debian headers installed (/lib/modules/<v>/build from
# package linux-headers-<v>, which the kernel tests install): the root installs
# linux-headers-<v> from the mirror first, then stevedore-dkms, whose postinst
# builds and installs the module with DKMS, exactly as on a user's machine.
#
# Needs root. A missing tool, package, mirror or header package is a FAILURE,
# never a skip. Environment: STEVEDORE_CPACK (cpack to use), STEVEDORE_KVER
# (kernel version), STEVEDORE_DEBIAN_MIRROR, STEVEDORE_DEBIAN_SECURITY_MIRROR.
set -Eeuo pipefail

readonly DKMS_NAME=container-sysinfo
readonly SUITE=bookworm
# Flags the manual page and --help must both know.
readonly FLAGS=(--no-gui --once --json --source --proc-file --interval --sample-gap --docker-host --image
    --dry-run --no-manage --spawn --cron-spawn --listen --no-listen --token --token-file --allow-host --insecure-listen --data-dir
    --report-to --tls-cert --tls-key --ca-file --insecure --export-logs --export-charts --export-audit --rules
    --version --help)

log() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

die() {
    log "FAIL: $*"
    exit 1
}

need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || die "'$tool' not found (scripts/test.sh installs it)"
    done
}

# The two packages in DIR, as "MAIN DKMS" paths. Fails unless there is exactly
# one of each. Call it as debs=$(find_debs DIR) so that a failure stops the caller.
find_debs() {
    local dir=$1 main dkms
    mapfile -t main < <(compgen -G "$dir/stevedore_*_*.deb" || true)
    mapfile -t dkms < <(compgen -G "$dir/stevedore-dkms_*_all.deb" || true)
    ((${#main[@]} == 1)) || die "expected one stevedore_*.deb in $dir, found ${#main[@]} (run the packaging_build test)"
    ((${#dkms[@]} == 1)) || die "expected one stevedore-dkms_*_all.deb in $dir, found ${#dkms[@]}"
    printf '%s %s\n' "${main[0]}" "${dkms[0]}"
}

# field DEB NAME: one control field.
field() {
    dpkg-deb -f "$1" "$2"
}

# depends_on DEB PKG: PKG is one of the names in DEB's Depends (alternatives included).
depends_on() {
    local names
    # Not piped into grep -q: its early exit would SIGPIPE the pipeline.
    names=$(field "$1" Depends | tr ',|' '\n' | awk '{print $1}')
    grep -qxF "$2" <<<"$names"
}

# expect_files DEB PATH...: every PATH is in the package's data.
expect_files() {
    local deb=$1 listing path
    shift
    listing=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|')
    for path in "$@"; do
        grep -qxF "$path" <<<"$listing" || die "${deb##*/} lacks $path"
    done
}

# ---------------------------------------------------------------- build ---

step_build() {
    local build=$1 work=$2 cpack=${STEVEDORE_CPACK:-cpack} debs main dkms version
    need "$cpack" dpkg-deb dpkg-shlibdeps objdump dpkg-query
    [[ -f $build/CPackConfig.cmake ]] || die "$build/CPackConfig.cmake missing (configure the project first)"
    rm -rf "$work/cpack" "$work/debs"
    mkdir -p "$work/cpack" "$work/debs"
    log "cpack -G DEB"
    "$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$work/cpack" >"$work/cpack.log" 2>&1 ||
        { cat "$work/cpack.log" >&2; die "cpack failed"; }
    mv "$work"/cpack/*.deb "$work/debs/" 2>/dev/null || die "cpack wrote no .deb (see $work/cpack.log)"
    debs=$(find_debs "$work/debs")
    main=${debs% *}
    dkms=${debs#* }
    log "built ${main##*/} and ${dkms##*/}"

    version=$(field "$main" Version)
    [[ $(field "$dkms" Version) == "$version" ]] || die "the two packages have different versions"
    [[ $(field "$main" Architecture) == "$(dpkg --print-architecture)" ]] || die "stevedore: wrong Architecture"
    [[ $(field "$dkms" Architecture) == all ]] || die "stevedore-dkms must be Architecture: all"
    [[ $(field "$main" Section) == admin && $(field "$dkms" Section) == kernel ]] || die "wrong Section"
    [[ $(field "$main" Priority) == optional && $(field "$dkms" Priority) == optional ]] || die "wrong Priority"
    [[ -n $(field "$main" Maintainer) ]] || die "no Maintainer"
    [[ $(field "$main" Recommends) == *"docker.io | docker-ce"* ]] || die "stevedore must recommend docker.io | docker-ce"
    [[ $(field "$main" Suggests) == *stevedore-dkms* ]] || die "stevedore must suggest stevedore-dkms"
    depends_on "$dkms" dkms || die "stevedore-dkms must depend on dkms"

    # Every library the binary needs comes from a package in Depends (that is
    # what dpkg-shlibdeps is for; a static or missing Depends fails here).
    local tmp lib pkgs p ok
    tmp=$(mktemp -d)
    dpkg-deb -x "$main" "$tmp"
    while read -r lib; do
        pkgs=$(dpkg-query -S "*/$lib" 2>/dev/null | cut -d: -f1 | tr ',' '\n' | sed 's/^ *//' | sort -u) ||
            { rm -rf "$tmp"; die "no installed package holds $lib"; }
        ok=no
        for p in $pkgs; do
            depends_on "$main" "$p" && ok=yes
        done
        [[ $ok == yes ]] || { rm -rf "$tmp"; die "stevedore needs $lib ($pkgs) but Depends is: $(field "$main" Depends)"; }
    done < <(objdump -p "$tmp/usr/bin/stevedore" | awk '$1 == "NEEDED" {print $2}')
    rm -rf "$tmp"

    expect_files "$main" /usr/bin/stevedore /lib/systemd/system/stevedore.service \
        /lib/systemd/system/stevedore-receiver.service \
        /usr/share/applications/stevedore.desktop /usr/share/icons/hicolor/scalable/apps/stevedore.svg \
        /usr/share/man/man1/stevedore.1.gz /usr/share/doc/stevedore/copyright \
        /usr/share/doc/stevedore/changelog.Debian.gz \
        /usr/share/stevedore/scripts/spawn_containers.sh /usr/share/stevedore/scripts/build-stress-image.sh \
        /usr/share/stevedore/translations/stevedore_es.qm
    depends_on "$main" qt6-translations-l10n || die "stevedore does not depend on qt6-translations-l10n"
    local listing
    listing=$(dpkg-deb -c "$main")
    grep -qE '^-rw-r--r-- .*/usr/share/metainfo/[^/]+\.metainfo\.xml$' <<<"$listing" ||
        die "no AppStream metainfo (mode 0644) in ${main##*/}"
    local upstream=${version%-*}
    expect_files "$dkms" "/usr/src/$DKMS_NAME-$upstream/dkms.conf" "/usr/src/$DKMS_NAME-$upstream/container_sysinfo.c" \
        "/usr/src/$DKMS_NAME-$upstream/Kbuild" "/usr/src/$DKMS_NAME-$upstream/Makefile" \
        /usr/share/doc/stevedore-dkms/copyright /usr/share/doc/stevedore-dkms/changelog.Debian.gz
    log "control fields, dependencies and file lists are right"
}

# ----------------------------------------------------------------- lint ---

step_lint() {
    local work=$2 debs main dkms x
    need lintian desktop-file-validate appstreamcli man shellcheck systemd-analyze dpkg-deb
    debs=$(find_debs "$work/debs")
    main=${debs% *}
    dkms=${debs#* }
    x=$work/lint
    rm -rf "$x"
    mkdir -p "$x/main/root" "$x/main/control" "$x/dkms/control"
    dpkg-deb -x "$main" "$x/main/root"
    dpkg-deb -e "$main" "$x/main/control"
    dpkg-deb -e "$dkms" "$x/dkms/control"

    log "lintian"
    # Warnings count too: the only ones left are overridden, with a reason, in
    # packaging/debian/*.lintian-overrides.
    lintian --fail-on error,warning --display-info "$main" "$dkms" >"$x/lintian.log" 2>&1 ||
        { cat "$x/lintian.log" >&2; die "lintian reported errors or warnings"; }
    cat "$x/lintian.log" >&2

    log "desktop-file-validate, appstreamcli validate"
    desktop-file-validate "$x/main/root/usr/share/applications/stevedore.desktop" || die "invalid .desktop file"
    local metainfo
    metainfo=$(compgen -G "$x/main/root/usr/share/metainfo/*.metainfo.xml") || die "no metainfo file"
    appstreamcli validate --no-net "$metainfo" >&2 || die "invalid AppStream metainfo"

    log "man page"
    local warnings text flag
    warnings=$(LC_ALL=C.UTF-8 MANROFFSEQ='' MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z \
        "$x/main/root/usr/share/man/man1/stevedore.1.gz" 2>&1 >/dev/null) || die "man failed: $warnings"
    [[ -z $warnings ]] || die "groff warnings in stevedore.1: $warnings"
    text=$(MANWIDTH=200 man -l "$x/main/root/usr/share/man/man1/stevedore.1.gz" 2>/dev/null)
    for flag in "${FLAGS[@]}"; do
        grep -qF -- "$flag" <<<"$text" || die "the manual page does not document $flag"
    done

    log "shellcheck of the maintainer scripts and the installed scripts"
    shellcheck -s sh "$x"/main/control/{postinst,prerm,postrm} "$x"/dkms/control/{postinst,prerm} ||
        die "shellcheck found problems in maintainer scripts"
    shellcheck "$x"/main/root/usr/share/stevedore/scripts/*.sh || die "shellcheck found problems in the scripts"

    log "systemd-analyze security (offline)"
    # --threshold is in tenths: 40 means an overall exposure of 4.0 ("OK").
    systemd-analyze security --offline=yes --threshold=40 --root="$x/main/root" stevedore.service \
        >"$x/security.log" 2>&1 || { cat "$x/security.log" >&2; die "stevedore.service exposure above 4.0"; }
    tail -n 1 "$x/security.log" >&2
}

# --------------------------------------------------------------- chroot ---

# Mount points at or below DIR, deepest first.
mounts_under() {
    awk -v d="$1" '{ m = $5; gsub(/\\040/, " ", m); if (m == d || index(m, d "/") == 1) print m }' \
        /proc/self/mountinfo | sort -r
}

unmount_under() {
    local m
    while IFS= read -r m; do
        umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || log "cannot unmount $m"
    done < <(mounts_under "$1")
    [[ -z $(mounts_under "$1") ]]
}

# Deletes DIR, but never through a mount (a bind-mounted /sys/fs/cgroup!).
safe_remove() {
    [[ -e $1 ]] || return 0
    unmount_under "$1" || die "something is still mounted below $1"
    rm -rf --one-file-system "$1"
}

# deb822_uri FILE SUITE: the first URI of a "Types: deb" stanza whose Suites has SUITE.
deb822_uri() {
    awk -v suite="$2" '
        function flush() { if (isdeb && hassuite && uri != "" && !done) { print uri; done = 1 }
                           isdeb = 0; hassuite = 0; uri = "" }
        /^[[:space:]]*$/ { flush(); next }
        /^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") isdeb = 1 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == suite) hassuite = 1 }
        /^URIs:/ { uri = $2 }
        END { flush() }' "$1"
}

# host_mirror SUITE DEFAULT: the host's mirror for SUITE (deb822 or one-line sources).
host_mirror() {
    local suite=$1 uri="" f
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -r $f ]] || continue
        uri=$(deb822_uri "$f" "$suite")
        [[ -n $uri ]] && break
    done
    if [[ -z $uri && -r /etc/apt/sources.list ]]; then
        uri=$(awk -v suite="$suite" '$1 == "deb" { sub(/^\[[^]]*\] */, "", $0); $0 = $0
              if ($3 == suite) { print $2; exit } }' /etc/apt/sources.list)
    fi
    printf '%s\n' "${uri:-$2}"
}

# The newest kernel whose Debian headers package is installed on the host
# and comes from the suite the root is bootstrapped from: the kernel tests
# also install 6.12 from bookworm-backports and PREEMPT_RT flavours, whose
# headers the root's plain bookworm sources do not carry.
pick_kernel() {
    local b v version best=""
    if [[ -n ${STEVEDORE_KVER:-} ]]; then
        printf '%s\n' "$STEVEDORE_KVER"
        return
    fi
    while IFS= read -r b; do
        v=${b#/lib/modules/}
        v=${v%/build}
        [[ $v == *-rt-* ]] && continue
        if [[ $(dpkg-query -W -f='${Status}' "linux-headers-$v" 2>/dev/null) == "install ok installed" ]]; then
            version=$(dpkg-query -W -f='${Version}' "linux-headers-$v")
            [[ $version == *bpo* ]] && continue
            best=$v
        fi
    done < <(compgen -G '/lib/modules/*/build' | sort -V)
    [[ -n $best ]] || die "no Debian kernel headers on the host (apt-get install linux-headers-amd64)"
    printf '%s\n' "$best"
}

ROOT=""
cleanup() {
    local rc=$?
    if [[ -n $ROOT ]]; then
        unmount_under "$ROOT" || log "mounts left below $ROOT (they go with this mount namespace)"
    fi
    return "$rc"
}

in_root() {
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
}

# apt_get LOG ARGS...: apt-get in the root, output to LOG, shown on failure.
apt_get() {
    local logfile=$1
    shift
    in_root apt-get -y -q -o Dpkg::Use-Pty=0 -o APT::Install-Recommends=false \
        -o Dpkg::Options::=--force-unsafe-io "$@" >"$logfile" 2>&1 ||
        { tail -n 40 "$logfile" >&2; die "apt-get $* failed in the Debian root (log: $logfile)"; }
}

bootstrap_cache() {
    local work=$1 mirror=$2 tarball=$1/cache/$SUITE-minbase.tar tmp=$1/cache/bootstrap
    [[ -s $tarball ]] && return 0
    log "debootstrap --variant=minbase $SUITE from $mirror (first run only)"
    safe_remove "$tmp"
    mkdir -p "$work/cache"
    if ! debootstrap --variant=minbase "$SUITE" "$tmp" "$mirror" >"$work/debootstrap.log" 2>&1; then
        tail -n 30 "$work/debootstrap.log" >&2
        [[ -f $tmp/debootstrap/debootstrap.log ]] && tail -n 30 "$tmp/debootstrap/debootstrap.log" >&2
        safe_remove "$tmp"
        die "debootstrap failed"
    fi
    unmount_under "$tmp" || die "debootstrap left mounts below $tmp"
    tar -C "$tmp" --numeric-owner --xattrs -cf "$tarball.part" . || die "cannot archive the bootstrapped root"
    mv "$tarball.part" "$tarball"
    safe_remove "$tmp"
}

step_chroot() {
    local work=$2
    ((EUID == 0)) || die "the chroot test needs root (debootstrap, chroot, mounts)"
    if [[ -z ${STEVEDORE_PKG_MOUNT_NS:-} ]]; then
        # Everything below runs in a private mount namespace: whatever happens,
        # its mounts disappear with it.
        need unshare
        STEVEDORE_PKG_MOUNT_NS=1 exec unshare --mount --propagation private -- "$0" chroot "$1" "$2"
    fi
    need debootstrap chroot mount umount tar jq dpkg-deb dpkg-query
    local started=$SECONDS debs main dkms version upstream kver mirror security
    debs=$(find_debs "$work/debs")
    main=${debs% *}
    dkms=${debs#* }
    version=$(field "$main" Version)
    upstream=${version%-*}
    kver=$(pick_kernel)
    mirror=${STEVEDORE_DEBIAN_MIRROR:-$(host_mirror "$SUITE" http://deb.debian.org/debian)}
    security=${STEVEDORE_DEBIAN_SECURITY_MIRROR:-$(host_mirror "$SUITE-security" http://security.debian.org/debian-security)}
    log "packages $version, kernel headers $kver, mirror $mirror"

    bootstrap_cache "$work" "$mirror"
    ROOT=$work/root
    trap cleanup EXIT
    safe_remove "$ROOT"
    mkdir -p "$ROOT" "$work/cache/apt-archives" "$work/logs"
    tar -C "$ROOT" --numeric-owner --xattrs -xf "$work/cache/$SUITE-minbase.tar" || die "cannot unpack the root"

    # apt: the same mirrors as the host (Debian's kernel headers come from
    # bookworm-security), no service starts, no recommends.
    rm -f "$ROOT/etc/apt/sources.list"
    cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
    printf '#!/bin/sh\nexit 101\n' >"$ROOT/usr/sbin/policy-rc.d"
    chmod 0755 "$ROOT/usr/sbin/policy-rc.d"
    cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"

    mount -t proc proc "$ROOT/proc"
    mount -t sysfs -o ro sysfs "$ROOT/sys"
    mount --rbind /sys/fs/cgroup "$ROOT/sys/fs/cgroup"
    mount --bind /dev "$ROOT/dev"
    mount --bind "$work/cache/apt-archives" "$ROOT/var/cache/apt/archives"

    local logs=$work/logs
    log "apt-get update; linux-headers-$kver and systemd"
    apt_get "$logs/update.log" update
    # systemd: for systemd-analyze verify and so that deb-systemd-helper runs
    # the way it does on a real host. No openssl yet (see check_signing).
    apt_get "$logs/headers.log" install "linux-headers-$kver" systemd
    [[ -d $ROOT/lib/modules/$kver/build ]] || die "linux-headers-$kver gave no /lib/modules/$kver/build"

    log "apt-get install ./${main##*/} ./${dkms##*/}"
    mkdir -p "$ROOT/tmp/debs"
    cp "$main" "$dkms" "$ROOT/tmp/debs/"
    chmod 0755 "$ROOT/tmp/debs"
    chmod 0644 "$ROOT"/tmp/debs/*.deb
    apt_get "$logs/install.log" install "/tmp/debs/${main##*/}" "/tmp/debs/${dkms##*/}"
    grep -F "container_sysinfo installed for kernel $kver" "$logs/install.log" >&2 ||
        { tail -n 40 "$logs/install.log" >&2; die "the stevedore-dkms postinst did not install the module for $kver"; }
    log "installed in $((SECONDS - started))s"

    check_installed "$upstream" "$kver" "$logs"
    check_signing "$kver" "$logs"
    check_reinstall_keeps_enabled "$main" "$logs"
    check_purge "$upstream" "$kver" "$logs"
    # The root (about 1 GB) is kept only when the test fails, for a look inside.
    unmount_under "$ROOT" || die "cannot unmount below $ROOT"
    safe_remove "$ROOT"
    log "chroot test passed in $((SECONDS - started))s"
}

check_installed() {
    local upstream=$1 kver=$2 logs=$3 out flag total host_kib host_total status ko
    out=$(in_root stevedore --version) || die "stevedore --version failed in the root"
    [[ $out == "stevedore $upstream" ]] || die "stevedore --version printed '$out', expected 'stevedore $upstream'"
    log "--version: $out"

    out=$(in_root stevedore --help) || die "stevedore --help failed in the root"
    for flag in "${FLAGS[@]}"; do
        grep -qF -- "$flag" <<<"$out" || die "stevedore --help does not list $flag"
    done
    log "--help lists every flag"
    # The installed catalogues: ours and Qt's (qt6-translations-l10n).
    out=$(in_root env LANG=es_ES.UTF-8 stevedore --help) || die "LANG=es_ES.UTF-8 stevedore --help failed in the root"
    for flag in 'Muestra esta ayuda.' 'Uso: stevedore'; do
        grep -qF -- "$flag" <<<"$out" || die "LANG=es_ES.UTF-8 stevedore --help lacks '$flag'"
    done
    log "--help in Spanish under LANG=es_ES.UTF-8"

    in_root stevedore --once --json --sample-gap 0.2 >"$logs/once.json" 2>"$logs/once.err" ||
        { cat "$logs/once.err" >&2; die "stevedore --once --json failed in the root"; }
    total=$(jq -e '.system.memory_total_bytes' "$logs/once.json") ||
        { head -c 2000 "$logs/once.json" >&2; die "the --once JSON has no system.memory_total_bytes"; }
    host_kib=$(awk '$1 == "MemTotal:" {print $2}' /proc/meminfo)
    host_total=$((host_kib * 1024))
    ((total > 0 && total - host_total < 1048576 && host_total - total < 1048576)) ||
        die "system.memory_total_bytes is $total, /proc/meminfo says $host_total"
    log "--once --json: source $(jq -r .source "$logs/once.json"), memory_total_bytes $total"

    local unit
    for unit in stevedore.service stevedore-receiver.service; do
        in_root systemd-analyze verify --man=no "/lib/systemd/system/$unit" >"$logs/verify.log" 2>&1 ||
            { cat "$logs/verify.log" >&2; die "systemd-analyze verify failed for $unit"; }
        [[ ! -s $logs/verify.log ]] || { cat "$logs/verify.log" >&2; die "systemd-analyze verify printed warnings for $unit"; }
        if in_root systemctl is-enabled --quiet "$unit" 2>/dev/null; then
            die "$unit was enabled by the installation (it must wait for the administrator)"
        fi
    done
    log "systemd-analyze verify: clean; the unit is installed, not enabled"

    local path
    for path in /usr/share/applications/stevedore.desktop /usr/share/icons/hicolor/scalable/apps/stevedore.svg \
        /usr/share/man/man1/stevedore.1.gz; do
        [[ -s $ROOT$path ]] || die "$path missing after installation"
    done
    [[ -x $ROOT/usr/share/stevedore/scripts/spawn_containers.sh ]] || die "spawn_containers.sh is not installed executable"

    status=$(in_root dkms status -m "$DKMS_NAME" -v "$upstream" -k "$kver")
    [[ $status == *": installed"* ]] || die "dkms status says '$status', expected installed for $kver"
    ko=$ROOT/lib/modules/$kver/updates/dkms/container_sysinfo.ko
    [[ -f $ko ]] || die "$ko missing"
    out=$(in_root modinfo -k "$kver" -F vermagic container_sysinfo) ||
        die "modinfo -k $kver container_sysinfo failed (depmod did not index the module)"
    [[ $out == "$kver "* ]] || die "vermagic '$out' does not match $kver"
    log "dkms: $status"
}

# The Secure Boot steps of docs/packaging.md: without openssl DKMS cannot make
# its MOK key and the module is unsigned; with it, `dpkg-reconfigure
# stevedore-dkms` rebuilds the module signed by /var/lib/dkms/mok.pub.
check_signing() {
    local kver=$1 logs=$2 ko=/lib/modules/$1/updates/dkms/container_sysinfo.ko signer subject
    signer=$(in_root modinfo -F signer "$ko")
    [[ -z $signer ]] || die "the module is signed by '$signer' although openssl is not installed"
    apt_get "$logs/openssl.log" install openssl
    in_root dpkg-reconfigure stevedore-dkms >"$logs/reconfigure.log" 2>&1 ||
        { cat "$logs/reconfigure.log" >&2; die "dpkg-reconfigure stevedore-dkms failed"; }
    signer=$(in_root modinfo -F signer "$ko")
    subject=$(in_root openssl x509 -inform DER -in /var/lib/dkms/mok.pub -noout -subject -nameopt multiline) ||
        die "DKMS made no MOK certificate /var/lib/dkms/mok.pub"
    [[ -n $signer && $subject == *"commonName"*"= $signer"* ]] ||
        die "the rebuilt module is not signed with DKMS's MOK key (signer '$signer', certificate: $subject)"
    [[ $(in_root dkms status -m "$DKMS_NAME" -k "$kver") == *": installed"* ]] ||
        die "the module is not installed after dpkg-reconfigure"
    log "after openssl + dpkg-reconfigure: signed by '$signer' (/var/lib/dkms/mok.pub)"
}

# An administrator's `systemctl enable` survives an upgrade (here a reinstall).
check_reinstall_keeps_enabled() {
    local main=$1 logs=$2
    in_root systemctl enable stevedore.service >"$logs/enable.log" 2>&1 ||
        { cat "$logs/enable.log" >&2; die "systemctl enable stevedore.service failed in the root"; }
    apt_get "$logs/reinstall.log" install --reinstall "/tmp/debs/${main##*/}"
    in_root systemctl is-enabled --quiet stevedore.service ||
        die "reinstalling stevedore disabled the service the administrator had enabled"
    log "an enabled service stays enabled across a reinstall"
}

check_purge() {
    local upstream=$1 kver=$2 logs=$3
    # What the service would have left behind; purge must remove it.
    mkdir -p "$ROOT/var/lib/stevedore"
    echo '{}' >"$ROOT/var/lib/stevedore/probe.json"
    apt_get "$logs/purge.log" purge stevedore-dkms stevedore
    [[ ! -e $ROOT/usr/bin/stevedore ]] || die "/usr/bin/stevedore still there after purge"
    [[ ! -e $ROOT/var/lib/stevedore ]] || die "/var/lib/stevedore still there after purge"
    [[ ! -e $ROOT/etc/systemd/system/multi-user.target.wants/stevedore.service ]] ||
        die "the service's enablement symlink survived the purge"
    [[ ! -e $ROOT/lib/modules/$kver/updates/dkms/container_sysinfo.ko ]] || die "the module is still installed after purge"
    [[ -z $(in_root dkms status -m "$DKMS_NAME") ]] || die "dkms still knows $DKMS_NAME after purge"
    [[ ! -e $ROOT/usr/src/$DKMS_NAME-$upstream ]] || die "/usr/src/$DKMS_NAME-$upstream still there after purge"
    log "purge removed the program, its data, the module and the DKMS tree"
}

main() {
    (($# == 3)) || die "usage: ${0##*/} build|lint|chroot BUILD_DIR WORK_DIR"
    local step=$1 build work
    build=$(cd "$2" && pwd) || die "no build dir $2"
    mkdir -p "$3"
    work=$(cd "$3" && pwd)
    case $step in
        build) step_build "$build" "$work" ;;
        lint) step_lint "$build" "$work" ;;
        chroot) step_chroot "$build" "$work" ;;
        *) die "unknown step '$step'" ;;
    esac
}

main "$@"
