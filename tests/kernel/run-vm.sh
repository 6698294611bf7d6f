#!/usr/bin/env bash
# Boots Debian's kernel in QEMU with container_sysinfo.ko and the workloads
# of init-test.sh, and leaves the serial logs for tst_kmod_vm to judge.
#
#   run-vm.sh OUT_DIR [FLAVOUR]
#
# FLAVOUR: 6.1, 6.1-rt, 6.12 (see vm_kernel_for in vmlib.sh) or newest
# (default; STEVEDORE_KVER overrides it).
#
# Writes OUT_DIR/serial.log (markers and JSON documents, serial port 1) and
# OUT_DIR/console.log (kernel + /init console, serial port 0). Exits non-zero
# only when the VM could not be prepared or produced no log at all; whether
# the module behaved is decided by tst_kmod_vm from the markers.
# Environment: STEVEDORE_KVER (kernel version), STEVEDORE_QEMU_ACCEL (default
# tcg), STEVEDORE_VM_TIMEOUT (seconds, default 170).
set -Eeuo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/kernel/vmlib.sh
source "$here/vmlib.sh"

# The writer workload needs a block device: brd (/dev/ram0); the FUSE
# phase needs fuse, when it is a module (6.12 has it built in).
add_modules() {
    vm_copy_kernel_module "$1" brd "$2/lib/modules/brd.ko"
    if find "$VM_SYSROOT/lib/modules/$1/kernel" -name 'fuse.ko*' -print -quit | grep -q .; then
        vm_copy_kernel_module "$1" fuse "$2/lib/modules/fuse.ko"
    fi
}

main() {
    [[ $# == 1 || $# == 2 ]] || vm_die "usage: ${0##*/} OUT_DIR [FLAVOUR]"
    local out=$1 flavour=${2:-newest} kver ko started
    started=$SECONDS
    vm_need qemu-system-x86_64 gcc make cpio gzip modinfo timeout busybox
    mkdir -p "$out"
    out=$(cd "$out" && pwd)
    rm -f "$out/serial.log" "$out/console.log"

    kver=$(vm_kernel_for "$flavour")
    vm_log "kernel $kver"
    ko=$(vm_build_module "$repo/kernel_module" "$out/kmod" "$kver")

    VM_EXTRA=add_modules vm_prepare "$kver" "$out/initramfs" "$here/init-test.sh" "$ko" "$out/initramfs.cpio.gz"
    vm_log "prepared in $((SECONDS - started))s, booting"

    vm_boot "$kver" "$out/initramfs.cpio.gz" "$out/console.log" "$out/serial.log" \
        "${STEVEDORE_VM_TIMEOUT:-170}" 512
    vm_log "VM finished after $((SECONDS - started))s"
    [[ -s $out/serial.log ]] || { tail -n 50 "$out/console.log" >&2 || true; vm_die "the VM wrote no serial log"; }
    if ! grep -q '^@@DONE' "$out/serial.log"; then
        vm_log "the VM did not finish its script; last console lines:"
        tail -n 40 "$out/console.log" >&2 || true
    fi
    if grep -a '^@@FAIL' "$out/serial.log" >&2; then
        vm_log "the VM script reported failures (see above)"
    fi
}

main "$@"
