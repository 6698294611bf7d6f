# shellcheck shell=sh
# Guest side of the VM set-up shared by tests/kernel/init-test.sh and
# tests/bench/kmod/init-bench.sh (busybox sh, PID 1). vm_initramfs_base
# (vmlib.sh) installs it as /lib/vminit.sh; each /init sources it.
#
# Serial port 0 (console) gets diagnostics, serial port 1 (fd 4, written
# by emit) only machine-readable lines for the host.

READY=/run/ready

emit() {
    printf '%s\n' "$*" >&4
}

# vm_guest_setup: devtmpfs, proc, sys, tmpfs /run and /tmp, busybox
# applets, fd 4 on serial port 1, and $READY (world-writable, sticky:
# workloads that run as a user mark readiness too).
vm_guest_setup() {
    /bin/busybox mkdir -p /dev /proc /sys /run /tmp
    /bin/busybox mount -t devtmpfs dev /dev
    exec 0</dev/console 1>/dev/console 2>&1
    /bin/busybox --install -s /bin
    mount -t proc proc /proc
    mount -t sysfs sys /sys
    mount -t tmpfs run /run
    mount -t tmpfs tmp /tmp
    stty -F /dev/ttyS1 raw -echo 2>/dev/null
    exec 4>/dev/ttyS1
    mkdir -p "$READY"
    chmod 1777 "$READY"
}

# vm_guest_end: flush and power off (PID 1 must never exit).
vm_guest_end() {
    sync
    poweroff -f
}
