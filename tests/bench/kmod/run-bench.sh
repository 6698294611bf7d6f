#!/usr/bin/env bash
# Benchmark (not a test): in a QEMU guest running Debian's kernel, with 100
# container cgroups of 10 tasks each (1000 tasks), time one read of the
# container_sysinfo module's /proc file against one sample of Stevedore's
# cgroup-file source (CgroupSource) over the same containers, both in the
# same boot, and print the figures and their ratio.
#
#   tests/bench/kmod/run-bench.sh [BUILD_DIR]     (default: <repo>/build)
#
# BUILD_DIR must be a configured Stevedore build tree; the kmod_bench target
# is built in it. Environment: STEVEDORE_QEMU_ACCEL (default tcg; kvm gives
# figures closer to bare metal), STEVEDORE_KVER, STEVEDORE_BENCH_MEM (MiB,
# default 1024), STEVEDORE_BENCH_OUT (work directory, default
# BUILD_DIR/bench-kmod-vm).
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
# shellcheck source=tests/kernel/vmlib.sh
source "$repo/tests/kernel/vmlib.sh"

# copy_with_libs EXE ROOT: the executable and every shared object ldd lists
# (plus the dynamic loader), at their own paths inside ROOT.
copy_with_libs() {
    local exe=$1 root=$2 lib
    mkdir -p "$root/bench"
    cp "$exe" "$root/bench/"
    while IFS= read -r lib; do
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done < <(ldd "$exe" | awk '/=> \// {print $3} /^\t\/.*ld-linux/ {print $1}')
}

main() {
    local build=${1:-$repo/build} out kver ko root exe started
    started=$SECONDS
    [[ -f $build/CMakeCache.txt ]] || vm_die "$build is not a configured build tree (cmake --preset default)"
    vm_need qemu-system-x86_64 gcc make cpio gzip modinfo timeout busybox cmake ldd
    out=${STEVEDORE_BENCH_OUT:-$build/bench-kmod-vm}
    mkdir -p "$out"
    out=$(cd "$out" && pwd)

    cmake --build "$build" --target kmod_bench >/dev/null || vm_die "cannot build kmod_bench"
    exe=$(find "$build" -type f -name kmod_bench -perm -u+x -print -quit)
    [[ -n $exe ]] || vm_die "kmod_bench not found in $build"

    kver=$(vm_pick_kernel)
    ko=$(vm_build_module "$repo/kernel_module" "$out/kmod" "$kver")
    root=$out/initramfs
    vm_initramfs_base "$root"
    vm_build_workload "$repo/tests/kernel/workload.c" "$root/bin/wl"
    cp "$ko" "$root/lib/modules/container_sysinfo.ko"
    copy_with_libs "$exe" "$root"
    install -m 0755 "$here/init-bench.sh" "$root/init"
    vm_pack "$root" "$out/initramfs.cpio.gz"
    vm_log "kernel $kver, accel ${STEVEDORE_QEMU_ACCEL:-tcg}, prepared in $((SECONDS - started))s, booting"

    vm_boot "$kver" "$out/initramfs.cpio.gz" "$out/console.log" "$out/serial.log" 600 \
        "${STEVEDORE_BENCH_MEM:-1024}"
    grep -a '^@@BENCH' "$out/serial.log" | sed 's/^@@BENCH //' || true
    grep -aq '^@@BENCH ratio' "$out/serial.log" || { tail -n 30 "$out/console.log" >&2; vm_die "no result"; }
    grep -aq '^@@BENCH status 0' "$out/serial.log" || vm_die "kmod_bench did not see all containers"
}

main "$@"
