# shellcheck shell=bash
# Helpers shared by tests/kernel/run-vm.sh and tests/bench/kmod/run-bench.sh:
# pick the kernel, build the module and the static workloads, pack a busybox
# initramfs and boot it in QEMU. Sourced, never run. The guest side is
# vminit.sh.

VM_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# Where kernels are looked for: /boot/vmlinuz-<v> and /lib/modules/<v>/
# under this prefix. Empty (the installed kernels) unless a script boots a
# kernel it built itself (build-debug-kernel.sh).
VM_SYSROOT=${VM_SYSROOT:-}

vm_log() {
    printf '%s: %s\n' "${0##*/}" "$*" >&2
}

vm_die() {
    vm_log "error: $*"
    exit 1
}

vm_need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null 2>&1 || vm_die "'$tool' not found (scripts/test.sh installs it)"
    done
}

# Newest kernel version with both an image in /boot and headers in
# /lib/modules/<v>/build, so the module matches the booted ABI exactly.
# STEVEDORE_KVER overrides.
vm_pick_kernel() {
    local img v best=""
    if [[ -n ${STEVEDORE_KVER:-} ]]; then
        [[ -r $VM_SYSROOT/boot/vmlinuz-$STEVEDORE_KVER && -d $VM_SYSROOT/lib/modules/$STEVEDORE_KVER/build ]] \
            || vm_die "STEVEDORE_KVER=$STEVEDORE_KVER: no readable /boot/vmlinuz or headers"
        printf '%s\n' "$STEVEDORE_KVER"
        return
    fi
    while IFS= read -r img; do
        v=${img#"$VM_SYSROOT"/boot/vmlinuz-}
        if [[ -r $img && -d $VM_SYSROOT/lib/modules/$v/build ]]; then
            best=$v
        fi
    done < <(compgen -G "$VM_SYSROOT/boot/vmlinuz-*" | sort -V)
    [[ -n $best ]] || vm_die "no kernel with both /boot/vmlinuz-<v> and /lib/modules/<v>/build" \
        "(install linux-image-amd64 and linux-headers-amd64)"
    printf '%s\n' "$best"
}

# vm_kernel_for FLAVOUR: the installed kernel version of one of the kernels
# the module supports (kernel_module/dkms.conf), with image and headers:
#   6.1     Debian 12's kernel (linux-image-6.1.*-amd64)
#   6.1-rt  its PREEMPT_RT flavour (linux-image-rt-amd64)
#   6.12    bookworm-backports (linux-image-6.12.*-amd64)
#   debug   the lockdep kernel build-debug-kernel.sh builds (under VM_SYSROOT)
# `newest` is vm_pick_kernel. scripts/lib/common.sh installs all three.
vm_kernel_for() {
    local pattern img v best=""
    case $1 in
        newest) vm_pick_kernel; return ;;
        6.1) pattern='6.1.*-amd64' ;;
        6.1-rt) pattern='6.1.*-rt-amd64' ;;
        6.12) pattern='6.12.*-amd64' ;;
        debug) pattern='*-stevedore-debug' ;;
        *) vm_die "unknown kernel flavour '$1' (6.1, 6.1-rt, 6.12 or newest)" ;;
    esac
    while IFS= read -r img; do
        v=${img#"$VM_SYSROOT"/boot/vmlinuz-}
        # The plain flavours must not pick the rt one.
        [[ $1 != *-rt && $v == *-rt-amd64 ]] && continue
        if [[ -r $img && -d $VM_SYSROOT/lib/modules/$v/build ]]; then
            best=$v
        fi
    done < <(compgen -G "$VM_SYSROOT/boot/vmlinuz-$pattern" | sort -V)
    [[ -n $best ]] || vm_die "no $1 kernel with both /boot/vmlinuz-$pattern and its headers" \
        "(scripts/test.sh installs it: ensure_test_kernels in scripts/lib/common.sh)"
    printf '%s\n' "$best"
}

# vm_build_module SRC_DIR OUT_DIR KVER: out-of-tree build in a copy of the
# sources, so the source tree stays clean. Prints the .ko path.
vm_build_module() {
    local src=$1 out=$2 kver=$3 ko vermagic
    rm -rf "$out"
    mkdir -p "$out"
    cp "$src/container_sysinfo.c" "$src/Kbuild" "$src/Makefile" "$out/"
    make -s -C "$out" KDIR="$VM_SYSROOT/lib/modules/$kver/build" modules >"$out/build.log" 2>&1 \
        || { cat "$out/build.log" >&2; vm_die "module build failed"; }
    if grep -iE 'warning|error:' "$out/build.log" | grep -v 'Skipping BTF generation' >&2; then
        vm_die "module build printed warnings"
    fi
    ko=$out/container_sysinfo.ko
    [[ -f $ko ]] || vm_die "module build produced no $ko"
    vermagic=$(modinfo -F vermagic "$ko")
    [[ $vermagic == "$kver "* ]] || vm_die "vermagic '$vermagic' does not match kernel $kver"
    printf '%s\n' "$ko"
}

# vm_copy_kernel_module KVER NAME DEST: copies an in-tree module (e.g. brd),
# decompressing it if the distribution ships it compressed.
vm_copy_kernel_module() {
    local kver=$1 name=$2 dest=$3 path
    path=$(find "$VM_SYSROOT/lib/modules/$kver/kernel" -name "$name.ko*" -print -quit)
    [[ -n $path ]] || vm_die "$name.ko not found for $kver"
    case $path in
        *.ko) cp "$path" "$dest" ;;
        *.ko.xz) xz -dc "$path" >"$dest" ;;
        *.ko.zst) zstd -qdc "$path" >"$dest" ;;
        *.ko.gz) gzip -dc "$path" >"$dest" ;;
        *) vm_die "unknown module format: $path" ;;
    esac
}

# vm_build_workload SRC OUT: the static workload program (see workload.c).
vm_build_workload() {
    gcc -static -O2 -pthread -Wall -Wextra -Werror -o "$2" "$1" || vm_die "cannot build $1 (needs libc6-dev)"
}

# vm_initramfs_base ROOT: busybox, the directory skeleton and the guest-side
# helpers (vminit.sh as /lib/vminit.sh, sourced by each /init).
vm_initramfs_base() {
    local root=$1 busybox
    busybox=$(command -v busybox) || vm_die "busybox not found (install busybox-static)"
    [[ $(LC_ALL=C ldd "$busybox" 2>&1 || true) == *'not a dynamic executable'* ]] \
        || vm_die "$busybox is not static (install busybox-static)"
    rm -rf "$root"
    mkdir -p "$root"/{bin,dev,proc,sys,run,tmp,lib/modules}
    cp "$busybox" "$root/bin/busybox"
    ln -s busybox "$root/bin/sh"
    cp "$VM_LIB_DIR/vminit.sh" "$root/lib/vminit.sh"
}

# vm_prepare KVER ROOT INIT KO OUT_CPIO: the initramfs both the test and the
# benchmark boot: skeleton, the static workload program as /bin/wl, the
# module, INIT as /init; packed into OUT_CPIO. If VM_EXTRA names a function,
# it is called as `VM_EXTRA KVER ROOT` before packing, to add files.
vm_prepare() {
    local kver=$1 root=$2 init=$3 ko=$4 cpio=$5
    vm_initramfs_base "$root"
    vm_build_workload "$VM_LIB_DIR/workload.c" "$root/bin/wl"
    cp "$ko" "$root/lib/modules/container_sysinfo.ko"
    install -m 0755 "$init" "$root/init"
    if [[ -n ${VM_EXTRA:-} ]]; then
        "$VM_EXTRA" "$kver" "$root"
    fi
    vm_pack "$root" "$cpio"
}

# vm_pack ROOT OUT: newc cpio, gzip -1 (the image is small; speed matters).
vm_pack() {
    local root=$1 out=$2
    (cd "$root" && find . -print | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$out"
}

# vm_boot KVER INITRD CONSOLE_LOG DATA_LOG TIMEOUT_S MEM_MB [APPEND...]
# Serial port 0 is the console (kernel and /init messages), port 1 carries
# only what /init writes to /dev/ttyS1 (the markers and JSON documents).
# QEMU exits 0 however the guest ends; the caller judges by the markers.
# noirqdebug: on a loaded host a PREEMPT_RT guest's threaded serial IRQ
# handler can run late enough for the "nobody cared" detector to disable
# IRQ 3 (ttyS1), which would freeze the data port.
vm_boot() {
    local kver=$1 initrd=$2 console=$3 data=$4 timeout_s=$5 mem=$6 rc=0
    shift 6
    rm -f "$console" "$data"
    timeout -k 5 "$timeout_s" qemu-system-x86_64 \
        -nographic -no-reboot -nodefaults \
        -accel "${STEVEDORE_QEMU_ACCEL:-tcg}" \
        -m "$mem" -smp 2 \
        -kernel "$VM_SYSROOT/boot/vmlinuz-$kver" -initrd "$initrd" \
        -append "console=ttyS0 panic=-1 loglevel=3 noirqdebug $*" \
        -serial "file:$console" -serial "file:$data" \
        -monitor none </dev/null || rc=$?
    if [[ $rc == 124 || $rc == 137 ]]; then
        vm_log "QEMU timed out after ${timeout_s}s"
    elif [[ $rc != 0 ]]; then
        vm_log "QEMU exited with status $rc"
    fi
    return 0
}
