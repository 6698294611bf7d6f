#!/bin/sh
# /init of the benchmark VM (busybox sh): 100 container cgroups on cgroup v2
# (half systemd-style docker-<id>.scope, half cgroupfs-style docker/<id>),
# 10 processes each, then kmod_bench compares one read of the module's file
# with one sample of Stevedore's cgroup source over the same containers.
# Results go to serial port 1 as "@@BENCH" lines.

CG=/sys/fs/cgroup
READY=/run/ready
CONTAINERS=100
PER_CONTAINER=10

emit() {
    printf '%s\n' "$*" >&4
}

setup() {
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
}

main() {
    mount -t cgroup2 cgroup2 "$CG" || { emit "@@BENCH error mount cgroup2"; return 1; }
    echo "+cpu +memory +io +pids" >"$CG/cgroup.subtree_control"
    for d in system.slice docker; do
        mkdir -p "$CG/$d"
        echo "+cpu +memory +io +pids" >"$CG/$d/cgroup.subtree_control"
    done
    i=0
    while [ "$i" -lt "$CONTAINERS" ]; do
        id=$(printf 'bench-%d' "$i" | sha256sum | cut -c1-64)
        if [ $((i % 2)) = 0 ]; then
            dir=$CG/system.slice/docker-$id.scope
        else
            dir=$CG/docker/$id
        fi
        mkdir -p "$dir"
        (
            echo 0 >"$dir/cgroup.procs" || exit 1
            exec /bin/wl family "$PER_CONTAINER" "$READY/c$i"
        ) &
        i=$((i + 1))
    done
    left=1200
    while [ "$(find "$READY" -type f | wc -l)" -lt "$CONTAINERS" ]; do
        left=$((left - 1))
        if [ "$left" -le 0 ]; then
            emit "@@BENCH error workloads not ready"
            return 1
        fi
        usleep 100000
    done
    emit "@@BENCH tasks_in_vm $(ps -o pid | wc -l)"
    insmod /lib/modules/container_sysinfo.ko || { emit "@@BENCH error insmod"; return 1; }
    /bench/kmod_bench /proc/container_sysinfo "$CONTAINERS" 15 >&4 2>/dev/console
    emit "@@BENCH status $?"
}

setup
(main)
emit "@@DONE"
sync
poweroff -f
