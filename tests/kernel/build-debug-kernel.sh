#!/usr/bin/env bash
# Builds a small lock-debugging kernel from Debian's linux-source-6.1
# (CONFIG_PROVE_LOCKING, CONFIG_PROVE_RCU, CONFIG_DEBUG_ATOMIC_SLEEP on top
# of tinyconfig plus what the VM test needs) and runs the kernel-module VM
# test on it. Not part of scripts/test.sh: the build takes tens of minutes
# on two cores. Everything is cached under CACHE_DIR; a second run reuses
# the built kernel.
#
#   build-debug-kernel.sh CACHE_DIR [TST_KMOD_VM]
#
# CACHE_DIR    e.g. build/tests/kernel/debug-kernel
# TST_KMOD_VM  the tst_kmod_vm binary of a build tree; when given, it judges
#              the log (else only the boot runs and the log is left there).
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=tests/kernel/vmlib.sh
source "$here/vmlib.sh"

# What the VM test uses, on top of tinyconfig; checked after olddefconfig.
fragment() {
    cat <<'EOF'
CONFIG_64BIT=y
CONFIG_SMP=y
CONFIG_NR_CPUS=4
CONFIG_PRINTK=y
CONFIG_BUG=y
CONFIG_KALLSYMS=y
CONFIG_MULTIUSER=y
CONFIG_NET=y
CONFIG_FUTEX=y
CONFIG_EPOLL=y
CONFIG_SIGNALFD=y
CONFIG_TIMERFD=y
CONFIG_EVENTFD=y
CONFIG_POSIX_TIMERS=y
CONFIG_SHMEM=y
CONFIG_TMPFS=y
CONFIG_PROC_FS=y
CONFIG_PROC_SYSCTL=y
CONFIG_SYSFS=y
CONFIG_DEVTMPFS=y
CONFIG_TTY=y
CONFIG_SERIAL_8250=y
CONFIG_SERIAL_8250_CONSOLE=y
CONFIG_BLK_DEV_INITRD=y
CONFIG_RD_GZIP=y
CONFIG_BINFMT_ELF=y
CONFIG_BINFMT_SCRIPT=y
CONFIG_MODULES=y
CONFIG_MODULE_UNLOAD=y
CONFIG_PCI=y
CONFIG_ACPI=y
CONFIG_NAMESPACES=y
CONFIG_PID_NS=y
CONFIG_CGROUPS=y
CONFIG_CGROUP_SCHED=y
CONFIG_FAIR_GROUP_SCHED=y
CONFIG_CGROUP_CPUACCT=y
CONFIG_MEMCG=y
CONFIG_CGROUP_PIDS=y
CONFIG_BLOCK=y
CONFIG_BLK_CGROUP=y
CONFIG_BLK_DEV=y
CONFIG_BLK_DEV_RAM=m
CONFIG_FUSE_FS=m
CONFIG_TASKSTATS=y
CONFIG_TASK_DELAY_ACCT=y
CONFIG_TASK_XACCT=y
CONFIG_TASK_IO_ACCOUNTING=y
CONFIG_SCHEDSTATS=y
CONFIG_NO_HZ_IDLE=y
CONFIG_HIGH_RES_TIMERS=y
CONFIG_DEBUG_KERNEL=y
CONFIG_PROVE_LOCKING=y
CONFIG_PROVE_RCU=y
CONFIG_DEBUG_ATOMIC_SLEEP=y
CONFIG_LOCALVERSION="-stevedore-debug"
# CONFIG_LOCALVERSION_AUTO is not set
EOF
}

# unpack TARBALL DEST: the source tree, once.
unpack() {
    local tarball=$1 dest=$2 top
    [[ -f $dest/Makefile ]] && return 0
    top=$(basename "$tarball" .tar.xz)
    vm_log "unpacking $tarball"
    rm -rf "$dest" "$dest.tmp"
    mkdir -p "$dest.tmp"
    tar -xJf "$tarball" -C "$dest.tmp"
    mv "$dest.tmp/$top" "$dest"
    rm -rf "$dest.tmp"
}

configure() {
    local src=$1 line
    make -s -C "$src" ARCH=x86_64 tinyconfig >/dev/null
    fragment >"$src/stevedore.config"
    (cd "$src" && ARCH=x86_64 scripts/kconfig/merge_config.sh -m .config stevedore.config >/dev/null)
    make -s -C "$src" ARCH=x86_64 olddefconfig >/dev/null
    while IFS= read -r line; do
        [[ $line == *=n ]] && continue
        grep -qxF "$line" "$src/.config" || vm_die "the debug config lacks $line (dependency missing?)"
    done < <(fragment)
}

main() {
    [[ $# == 1 || $# == 2 ]] || vm_die "usage: ${0##*/} CACHE_DIR [TST_KMOD_VM]"
    local cache=$1 judge=${2:-} tarball src sysroot kver started
    started=$SECONDS
    local tool
    for tool in make gcc bc flex bison perl tar xz qemu-system-x86_64; do
        command -v "$tool" >/dev/null || vm_die "'$tool' not found: apt-get install flex bison bc libelf-dev"
    done
    [[ -f /usr/include/libelf.h ]] || vm_die "libelf.h not found (objtool needs it): apt-get install libelf-dev"
    mkdir -p "$cache"
    cache=$(cd "$cache" && pwd)
    tarball=$(compgen -G '/usr/src/linux-source-6.1*.tar.xz' | sort -V | tail -n 1) \
        || vm_die "install linux-source-6.1 (Debian) first"
    src=$cache/linux
    sysroot=$cache/sysroot
    unpack "$tarball" "$src"
    if [[ ! -f $src/arch/x86/boot/bzImage || ! -f $src/.stevedore-built ]]; then
        configure "$src"
        vm_log "building $(make -s -C "$src" kernelrelease) with $(nproc) jobs"
        make -s -C "$src" ARCH=x86_64 -j "$(nproc)" bzImage modules >"$cache/build.log" 2>&1 \
            || { tail -n 40 "$cache/build.log" >&2; vm_die "kernel build failed"; }
        touch "$src/.stevedore-built"
    fi
    kver=$(make -s -C "$src" kernelrelease)
    rm -rf "$sysroot"
    mkdir -p "$sysroot/boot"
    make -s -C "$src" ARCH=x86_64 INSTALL_MOD_PATH="$sysroot" modules_install >/dev/null
    cp "$src/arch/x86/boot/bzImage" "$sysroot/boot/vmlinuz-$kver"
    ln -sfn "$src" "$sysroot/lib/modules/$kver/build"
    vm_log "kernel $kver ready after $((SECONDS - started))s; running the VM test"

    VM_SYSROOT=$sysroot STEVEDORE_VM_TIMEOUT=${STEVEDORE_VM_TIMEOUT:-400} \
        "$here/run-vm.sh" "$cache/vm" debug
    if [[ -n $judge ]]; then
        STEVEDORE_KMOD_VM_LOG=$cache/vm/serial.log "$judge"
    else
        vm_log "log: $cache/vm/serial.log (judge it with STEVEDORE_KMOD_VM_LOG=... tst_kmod_vm)"
    fi
}

main "$@"
