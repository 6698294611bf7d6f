#!/bin/sh
# /init of the benchmark VM (busybox sh): container cgroups on cgroup v2,
# one sleeping process each (half systemd-style docker-<id>.scope, half
# cgroupfs-style docker/<id>), grown in steps to each count given on the
# kernel command line (stevedore.containers=100,200,1000). At each step
# kmod_bench compares one read (+ parse) of the module's file with one
# sample of Stevedore's cgroup source over the same containers. Results go
# to serial port 1 as "@@BENCH" lines.

# emit, vm_guest_setup, vm_guest_end, READY (tests/kernel/vminit.sh).
# shellcheck source=tests/kernel/vminit.sh
. /lib/vminit.sh

CG=/sys/fs/cgroup
WL=/bin/wl

counts() {
    read -r cmdline </proc/cmdline
    for arg in $cmdline; do
        case $arg in
            stevedore.containers=*) echo "${arg#*=}" | tr ',' ' ' ;;
        esac
    done
}

populated() {
    [ "$(cat "$CG"/system.slice/*/cgroup.procs "$CG"/docker/*/cgroup.procs 2>/dev/null | wc -l)" -ge "$1" ]
}

main() {
    mount -t cgroup2 cgroup2 "$CG" || { emit "@@BENCH error mount cgroup2"; return 1; }
    echo "+cpu +memory +io +pids" >"$CG/cgroup.subtree_control"
    for d in system.slice docker; do
        mkdir -p "$CG/$d"
        echo "+cpu +memory +io +pids" >"$CG/$d/cgroup.subtree_control"
    done
    insmod /lib/modules/container_sysinfo.ko || { emit "@@BENCH error insmod"; return 1; }
    have=0
    for n in $(counts); do
        # Ids have=1..n, odd ones systemd-style, even ones cgroupfs-style.
        half=$(((n - have) / 2))
        (
            echo 0 >"$CG/cgroup.procs"
            exec "$WL" spread "$CG/docker" $((have + 1)) $((have + half)) "$READY/d$n"
        ) &
        (
            echo 0 >"$CG/cgroup.procs"
            exec "$WL" spread "$CG/system.slice" $((have + half + 1)) "$n" "$READY/s$n"
        ) &
        left=1200
        while ! populated "$n"; do
            left=$((left - 1))
            [ "$left" -gt 0 ] || { emit "@@BENCH error $n containers not populated"; return 1; }
            usleep 100000
        done
        have=$n
        # Let the module's periodic snapshot see them all.
        "$WL" fresh /proc/container_sysinfo >/dev/null
        emit "@@BENCH step containers=$n tasks_in_vm=$(ps -o pid | wc -l)"
        /bench/kmod_bench /proc/container_sysinfo "$n" 15 >&4 2>/dev/console
        emit "@@BENCH status containers=$n rc=$?"
    done
}

vm_guest_setup
(main)
emit "@@DONE"
vm_guest_end
