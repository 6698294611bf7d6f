#!/usr/bin/env bash
# Benchmark (not a test): in a QEMU guest running Debian's kernel, with
# 100, then 200, then 1000 container cgroups (one sleeping task each), time
# one read (+ parse) of the container_sysinfo module's /proc file against one
# sample of Stevedore's cgroup-file source (CgroupSource) over the same
# containers, both in the same boot, and print the figures and their ratio.
#
#   tests/bench/kmod/run-bench.sh [BUILD_DIR]     (default: <repo>/build)
#
# BUILD_DIR must be a configured Stevedore build tree; the kmod_bench target
# is built in it. Environment: STEVEDORE_QEMU_ACCEL (default tcg; kvm gives
# figures closer to bare metal), STEVEDORE_BENCH_KERNEL (6.1, 6.1-rt, 6.12 or
# newest; default 6.1), STEVEDORE_BENCH_MEM (MiB,
# default 1024), STEVEDORE_BENCH_CONTAINERS (default 100,200,1000),
# STEVEDORE_BENCH_OUT (work directory, default
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

add_bench() {
    copy_with_libs "$BENCH_EXE" "$2"
}

main() {
    local build=${1:-$repo/build} out kver ko exe started
    started=$SECONDS
    [[ -f $build/CMakeCache.txt ]] || vm_die "$build is not a configured build tree (cmake --preset default)"
    vm_need qemu-system-x86_64 gcc make cpio gzip modinfo timeout busybox cmake ldd
    out=${STEVEDORE_BENCH_OUT:-$build/bench-kmod-vm}
    mkdir -p "$out"
    out=$(cd "$out" && pwd)

    cmake --build "$build" --target kmod_bench >/dev/null || vm_die "cannot build kmod_bench"
    exe=$(find "$build" -type f -name kmod_bench -perm -u+x -print -quit)
    [[ -n $exe ]] || vm_die "kmod_bench not found in $build"

    kver=$(vm_kernel_for "${STEVEDORE_BENCH_KERNEL:-6.1}")
    ko=$(vm_build_module "$repo/kernel_module" "$out/kmod" "$kver")
    BENCH_EXE=$exe VM_EXTRA=add_bench vm_prepare "$kver" "$out/initramfs" "$here/init-bench.sh" "$ko" \
        "$out/initramfs.cpio.gz"
    vm_log "kernel $kver, accel ${STEVEDORE_QEMU_ACCEL:-tcg}, prepared in $((SECONDS - started))s, booting"

    vm_boot "$kver" "$out/initramfs.cpio.gz" "$out/console.log" "$out/serial.log" 600 \
        "${STEVEDORE_BENCH_MEM:-1024}" "stevedore.containers=${STEVEDORE_BENCH_CONTAINERS:-100,200,1000}"
    grep -a '^@@BENCH' "$out/serial.log" | sed 's/^@@BENCH //' || true
    grep -aq '^@@BENCH ratio' "$out/serial.log" || { tail -n 30 "$out/console.log" >&2; vm_die "no result"; }
    if grep -a '^@@BENCH status' "$out/serial.log" | grep -qv 'rc=0$'; then
        vm_die "kmod_bench did not see all containers"
    fi
    grep -aq '^@@DONE' "$out/serial.log" || vm_die "the VM did not finish"
}

main "$@"
