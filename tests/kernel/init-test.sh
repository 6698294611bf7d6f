#!/bin/sh
# /init of the kernel-module test VM (busybox sh, no disk, no network).
#
# Serial port 0 (console) gets the kernel's and this script's diagnostics;
# serial port 1 gets only machine-readable lines, read by tst_kmod_vm:
#   @@CONTAINER phase=P label=L id=ID cgroup=PATH pid=N comm_hex=H cmdline_hex=H
#   @@GT label=L read=R when=pre|post procs= rss_kb= threads= sched_ns= ...
#   @@HOST memtotal_kb=N cpus=N
#   @@JSON-BEGIN R / (document) / @@JSON-END R
#   @@RESULT key=value
#   @@FAIL message
#   @@DONE
# Phases: cgroup v1 (memory + cpu,cpuacct mounted v1, default hierarchy
# "/"), cgroup v2 with every runtime layout, churn, load/unload, dmesg.
# Every wait polls a readiness condition with a deadline; nothing relies on
# a fixed sleep.

PROC=/proc/container_sysinfo
KMOD=/lib/modules/container_sysinfo.ko
READY=/run/ready
CG=/sys/fs/cgroup
WL=/bin/wl
CONTROLLERS="+cpu +memory +io +pids"

emit() {
    printf '%s\n' "$*" >&4
}

fail() {
    emit "@@FAIL $*"
    echo "FAIL: $*"
}

note() {
    echo "== $(cut -d' ' -f1 /proc/uptime)s $*"
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
    emit "@@HOST memtotal_kb=$(awk '/^MemTotal:/ {print $2}' /proc/meminfo) cpus=$(nproc)"
}

# wait_for TIMEOUT_S COMMAND...: polls COMMAND until it succeeds.
wait_for() {
    wf_left=$(($1 * 20))
    shift
    while ! "$@" 2>/dev/null; do
        wf_left=$((wf_left - 1))
        if [ "$wf_left" -le 0 ]; then
            return 1
        fi
        usleep 50000
    done
    return 0
}

wait_ready() {
    wait_for 60 test -e "$READY/$1" || fail "workload $1 never became ready"
}

id_for() {
    printf '%s' "$1" | sha256sum | cut -c1-64
}

hex_of() {
    od -An -v -tx1 "$1" 2>/dev/null | tr -d ' \n'
}

# start "CGDIR..." COMMAND...: runs COMMAND in the background after moving
# the subshell into every cgroup listed; the pid is left in LASTPID.
start() {
    st_cgs=$1
    shift
    (
        for c in $st_cgs; do
            echo 0 >"$c/cgroup.procs" || exit 1
        done
        exec "$@"
    ) &
    LASTPID=$!
    PIDS="$PIDS $LASTPID"
}

# container PHASE LABEL ID CGROUP_PATH CGDIR CPUDIR PID: records a container
# the module must report, with its main process's comm and argv.
CONTAINERS=""
container() {
    CONTAINERS="$CONTAINERS $2:$5:$6"
    emit "@@CONTAINER phase=$1 label=$2 id=$3 cgroup=$4 pid=$7 comm_hex=$(hex_of "/proc/$7/comm") cmdline_hex=$(hex_of "/proc/$7/cmdline")"
}

# gt LABEL READ WHEN CGDIR CPUDIR: ground truth of one container, summed over
# every process of its cgroup subtree, from the files the kernel itself
# exports (/proc/<pid>/status, io, task/*/schedstat, memory.*, cpu*).
gt() {
    procs=0 rss=0 threads=0 sched=0 rb=0 wb=0 scr=0 scw=0
    find "$4" -name cgroup.procs >/tmp/gt.list
    while read -r f; do
        while read -r pid; do
            procs=$((procs + 1))
            while read -r k v _; do
                case $k in
                    VmRSS:) rss=$((rss + v)) ;;
                    Threads:) threads=$((threads + v)) ;;
                esac
            done <"/proc/$pid/status"
            while read -r k v; do
                case $k in
                    read_bytes:) rb=$((rb + v)) ;;
                    write_bytes:) wb=$((wb + v)) ;;
                    syscr:) scr=$((scr + v)) ;;
                    syscw:) scw=$((scw + v)) ;;
                esac
            done <"/proc/$pid/io"
            for gt_f in /proc/"$pid"/task/*/schedstat; do
                read -r gt_a _ <"$gt_f"
                sched=$((sched + gt_a))
            done
        done <"$f"
    done </tmp/gt.list
    if [ -e "$4/memory.current" ]; then
        memcg=$(cat "$4/memory.current")
    elif [ -e "$4/memory.usage_in_bytes" ]; then
        memcg=$(cat "$4/memory.usage_in_bytes")
    else
        memcg=0
    fi
    if [ -e "$5/cpuacct.usage" ]; then
        cgcpu=$(cat "$5/cpuacct.usage")
    else
        usec=$(awk '$1 == "usage_usec" {print $2}' "$5/cpu.stat" 2>/dev/null)
        cgcpu=$((${usec:-0} * 1000))
    fi
    emit "@@GT label=$1 read=$2 when=$3 procs=$procs rss_kb=$rss threads=$threads sched_ns=$sched read_bytes=$rb write_bytes=$wb syscr=$scr syscw=$scw memcg=$memcg cgcpu_ns=$cgcpu"
}

gt_all() {
    for entry in $CONTAINERS; do
        ga_label=${entry%%:*}
        ga_rest=${entry#*:}
        gt "$ga_label" "$1" "$2" "${ga_rest%%:*}" "${ga_rest#*:}"
    done
}

# readmod READ [FILE]: one read of the module's file, sent whole to port 1.
readmod() {
    if cat "${2:-$PROC}" >/tmp/read.json 2>/tmp/read.err; then
        emit "@@JSON-BEGIN $1"
        cat /tmp/read.json >&4
        emit "@@JSON-END $1"
    else
        fail "read $1: $(cat /tmp/read.err)"
    fi
}

# measured READ: a read bracketed by ground truth taken just before and after.
measured() {
    gt_all "$1" pre
    readmod "$1"
    gt_all "$1" post
}

load() {
    if ! insmod "$KMOD" "$@"; then
        fail "insmod $*"
        return 1
    fi
    return 0
}

unload() {
    rmmod container_sysinfo || fail "rmmod"
}

stop_workloads() {
    for p in $PIDS; do
        kill -9 "$p" 2>/dev/null
    done
    for p in $PIDS; do
        wait "$p" 2>/dev/null
    done
    PIDS=""
    CONTAINERS=""
}

# in_cgroup PID CGDIR
in_cgroup() {
    grep -qx "$1" "$2/cgroup.procs"
}

sched_ns_of() {
    read -r sn_a _ <"/proc/$1/schedstat"
    echo "$sn_a"
}

spinner_advanced() {
    [ "$(sched_ns_of "$1")" -ge "$2" ]
}

# cgroup v1: memory and cpu,cpuacct on v1 hierarchies. One container lives
# only there (cgroupfs driver, default-hierarchy path "/"); the other is
# also in a controller-less cgroup2 mounted at unified/ (systemd's hybrid
# layout), where the module finds its id, while its memory is on v1.
phase_v1() {
    note "phase v1"
    mount -t tmpfs cgroup "$CG"
    mkdir -p "$CG/memory" "$CG/cpu" "$CG/unified"
    mount -t cgroup -o memory cgroup "$CG/memory" || fail "mount v1 memory"
    mount -t cgroup -o cpu,cpuacct cgroup "$CG/cpu" || fail "mount v1 cpu"
    mount -t cgroup2 cgroup2 "$CG/unified" || fail "mount hybrid cgroup2"
    id1=$(id_for v1-cgroupfs)
    id2=$(id_for v1-systemd)
    p1=docker/$id1
    p2=system.slice/docker-$id2.scope
    for h in memory cpu; do
        mkdir -p "$CG/$h/$p1" "$CG/$h/$p2"
    done
    mkdir -p "$CG/unified/$p2"
    start "$CG/memory/$p1 $CG/cpu/$p1" "$WL" threads 3 "$READY/v1-threads"
    t=$LASTPID
    start "$CG/memory/$p2 $CG/cpu/$p2 $CG/unified/$p2" "$WL" alloc 64 "$READY/v1-alloc"
    a=$LASTPID
    wait_ready v1-alloc
    wait_ready v1-threads
    container v1 v1-threads "$id1" "/$p1" "$CG/memory/$p1" "$CG/cpu/$p1" "$t"
    container v1 v1-alloc "$id2" "/$p2" "$CG/memory/$p2" "$CG/cpu/$p2" "$a"
    if load; then
        measured v1-1
        measured v1-2
        unload
    fi
    stop_workloads
    rm -f "$READY"/*
    for h in memory cpu; do
        rmdir "$CG/$h/$p1" "$CG/$h/$p2" "$CG/$h/system.slice" "$CG/$h/docker"
    done
    rmdir "$CG/unified/$p2" "$CG/unified/system.slice"
    umount "$CG/unified" || fail "umount hybrid cgroup2"
    # A v1 hierarchy unmounted while removed cgroups are still being freed
    # stays alive and keeps its controllers away from cgroup2.
    wait_for 30 v1_empty memory || fail "v1 memory cgroups not freed"
    wait_for 30 v1_empty cpu || fail "v1 cpu cgroups not freed"
    for h in memory cpu; do
        umount "$CG/$h" || fail "umount v1 $h"
    done
    umount "$CG"
}

# v1_empty CONTROLLER: its hierarchy holds only the root cgroup.
v1_empty() {
    [ "$(awk -v c="$1" '$1 == c {print $3}' /proc/cgroups)" = 1 ]
}

enable_controllers() {
    echo "$CONTROLLERS" >"$1/cgroup.subtree_control"
}

phase_v2() {
    note "phase v2"
    mount -t cgroup2 cgroup2 "$CG" || fail "mount cgroup2"
    # The controllers come back from the v1 hierarchies asynchronously.
    wait_for 30 enable_controllers "$CG" || fail "cannot enable $CONTROLLERS on cgroup2"
    insmod /lib/modules/brd.ko rd_nr=1 rd_size=16384 || fail "insmod brd"
    wait_for 10 test -b /dev/ram0 || fail "/dev/ram0 missing"

    i_spin=$(id_for v2-spinner)
    i_alloc=$(id_for v2-alloc)
    i_write=$(id_for v2-writer)
    i_thr=$(id_for v2-threads)
    i_weird=$(id_for v2-weird)
    i_nest=$(id_for v2-nested)
    p_spin=system.slice/docker-$i_spin.scope
    p_alloc=docker/$i_alloc
    p_write=machine.slice/libpod-$i_write.scope
    p_thr=kubepods.slice/kubepods-besteffort.slice/cri-containerd-$i_thr.scope
    p_weird=system.slice/crio-$i_weird.scope
    p_nest=docker/$i_nest
    for d in system.slice docker machine.slice kubepods.slice kubepods.slice/kubepods-besteffort.slice "$p_nest"; do
        mkdir -p "$CG/$d"
        enable_controllers "$CG/$d" || fail "subtree_control $d"
    done
    for d in "$p_spin" "$p_alloc" "$p_write" "$p_thr" "$p_weird" "$p_nest/init" "$p_nest/sub"; do
        mkdir -p "$CG/$d"
    done
    # Decoys: not containers, must not be reported.
    i_decoy=$(id_for v2-decoy)
    for d in other.slice/foo.service "notdocker/$i_decoy" system.slice/docker-0123456789ab.scope; do
        mkdir -p "$CG/$d"
        start "$CG/$d" "$WL" pause
    done

    start "$CG/$p_spin" "$WL" spin "$READY/spinner"
    spin_pid=$LASTPID
    start "$CG/$p_alloc" "$WL" alloc 64 "$READY/alloc"
    a=$LASTPID
    start "$CG/$p_write" "$WL" write /dev/ram0 8 "$READY/writer"
    w=$LASTPID
    start "$CG/$p_thr" "$WL" threads 4 "$READY/threads"
    t=$LASTPID
    tab=$(printf 'tab\there')
    start "$CG/$p_weird" "$WL" name 'we"ir\d' "$READY/weird" 'a "quoted" arg' 'back\slash' "$tab" 'ñandú'
    n=$LASTPID
    start "$CG/$p_nest/init" "$WL" family 3 "$READY/nest-init"
    ni=$LASTPID
    start "$CG/$p_nest/sub" "$WL" family 2 "$READY/nest-sub"
    for r in spinner alloc writer threads weird nest-init nest-sub; do
        wait_ready "$r"
    done
    container v2 spinner "$i_spin" "/$p_spin" "$CG/$p_spin" "$CG/$p_spin" "$spin_pid"
    container v2 alloc "$i_alloc" "/$p_alloc" "$CG/$p_alloc" "$CG/$p_alloc" "$a"
    container v2 writer "$i_write" "/$p_write" "$CG/$p_write" "$CG/$p_write" "$w"
    container v2 threads "$i_thr" "/$p_thr" "$CG/$p_thr" "$CG/$p_thr" "$t"
    container v2 weird "$i_weird" "/$p_weird" "$CG/$p_weird" "$CG/$p_weird" "$n"
    container v2 nested "$i_nest" "/$p_nest" "$CG/$p_nest" "$CG/$p_nest" "$ni"

    load || return
    [ "$(stat -c %a "$PROC")" = 444 ] || fail "$PROC mode is $(stat -c %a "$PROC")"
    measured v2-1
    # Let the spinner use at least half a second of CPU before reading again.
    target=$(($(sched_ns_of "$spin_pid") + 500000000))
    wait_for 60 spinner_advanced "$spin_pid" "$target" || fail "spinner made no progress"
    measured v2-2
}

# Hundreds of reads while processes fork and exit, threads come and go,
# a process moves between containers and container cgroups appear and
# vanish; a second reader runs concurrently.
phase_churn() {
    note "phase churn"
    i_a=$(id_for churn-a)
    i_b=$(id_for churn-b)
    ca=$CG/system.slice/docker-$i_a.scope
    cb=$CG/docker/$i_b
    mkdir -p "$ca" "$cb"
    # Everything that churns runs at nice 19: on a loaded host TCG is slow,
    # and the reads below must not starve (the churn still runs on the other
    # vCPU whenever the reader is busy on one).
    renice -n 19 -p "$spin_pid" >/dev/null
    start "$ca" "$WL" forker
    forker=$LASTPID
    start "$cb" "$WL" threadchurn
    threadchurn=$LASTPID
    renice -n 19 -p "$forker" "$threadchurn" >/dev/null
    start "$cb" "$WL" pause
    mover=$LASTPID
    rm -f /run/churn-stop /run/churn-reader-failed
    # Container cgroups that appear and vanish (ids computed once: the loop
    # should churn the kernel, not fork sha256sum).
    cc_ids="$(id_for churn-c-1) $(id_for churn-c-2) $(id_for churn-c-3)"
    (
        while [ ! -e /run/churn-stop ]; do
            for cc_id in $cc_ids; do
                cc=$CG/docker/$cc_id
                mkdir "$cc"
                echo "$mover" >"$cc/cgroup.procs"
                echo "$mover" >"$ca/cgroup.procs"
                rmdir "$cc"
                echo "$mover" >"$CG/cgroup.procs"
                echo "$mover" >"$cb/cgroup.procs"
            done
        done
    ) &
    churner=$!
    renice -n 19 -p "$churner" >/dev/null
    (
        while [ ! -e /run/churn-stop ]; do
            cat "$PROC" >/dev/null || touch /run/churn-reader-failed
        done
    ) &
    reader=$!
    renice -n 19 -p "$reader" >/dev/null
    # The churning processes must be in their containers before reading.
    wait_for 30 in_cgroup "$forker" "$ca" || fail "forker never reached its cgroup"
    wait_for 30 in_cgroup "$threadchurn" "$cb" || fail "threadchurn never reached its cgroup"
    # 300 reads from one process (a fork per read would mostly measure TCG's
    # fork); every 30th document is kept and sent to the host.
    rm -f /tmp/churn-*.json
    result=$("$WL" reads "$PROC" 300 30 /tmp/churn) || fail "churn reader exited with $?"
    reads=${result%% *}
    reads=${reads#reads=}
    bad=${result##*bad=}
    sampled=0
    for i in 30 60 90 120 150 180 210 240 270 300; do
        if [ -e "/tmp/churn-$i.json" ]; then
            sampled=$((sampled + 1))
            emit "@@JSON-BEGIN churn-$i"
            cat "/tmp/churn-$i.json" >&4
            emit "@@JSON-END churn-$i"
        fi
    done
    touch /run/churn-stop
    wait "$churner" "$reader"
    rf=0
    [ -e /run/churn-reader-failed ] && rf=1
    emit "@@RESULT churn_reads=$reads"
    emit "@@RESULT churn_bad=$bad"
    emit "@@RESULT churn_sampled=$sampled"
    emit "@@RESULT churn_reader_failed=$rf"
    unload
    stop_workloads
}

phase_load_unload() {
    note "phase load/unload"
    ok=0
    (while :; do cat "$PROC" >/dev/null 2>&1; done) &
    bg=$!
    for _ in 1 2 3 4 5 6 7 8 9 10; do
        load || continue
        cat "$PROC" >/dev/null || fail "read after insmod"
        unload
        if [ -e "$PROC" ]; then
            fail "$PROC still exists after rmmod"
        else
            ok=$((ok + 1))
        fi
    done
    kill "$bg"
    wait "$bg" 2>/dev/null
    emit "@@RESULT load_cycles_ok=$ok"

    # The seed's name, kept through the proc_name parameter.
    if load proc_name=sysinfo_202202906; then
        pn=0
        [ -e /proc/sysinfo_202202906 ] && [ ! -e "$PROC" ] && pn=1
        [ "$(stat -c %a /proc/sysinfo_202202906)" = 444 ] || pn=0
        [ "$(cat /sys/module/container_sysinfo/parameters/proc_name)" = sysinfo_202202906 ] || pn=0
        readmod procname /proc/sysinfo_202202906
        # An administrator can narrow the mode after loading.
        co=0
        chmod 0400 /proc/sysinfo_202202906 && [ "$(stat -c %a /proc/sysinfo_202202906)" = 400 ] && co=1
        emit "@@RESULT chmod_ok=$co"
        unload
        [ -e /proc/sysinfo_202202906 ] && pn=0
        emit "@@RESULT proc_name_ok=$pn"
    fi

    # A file still open when the module goes away: rmmod must succeed and
    # the stale descriptor must fail cleanly (proc's rundown calls release).
    if load; then
        exec 5<"$PROC"
        rd=0
        if rmmod container_sysinfo; then
            rd=1
            if cat <&5 >/dev/null 2>&1; then
                rd=0
                fail "read from a descriptor opened before rmmod succeeded"
            fi
        else
            fail "rmmod with an open descriptor"
        fi
        exec 5<&-
        emit "@@RESULT rundown_ok=$rd"
    fi

    bn=1
    if insmod "$KMOD" proc_name=a/b 2>/dev/null; then
        bn=0
        unload
    fi
    if insmod "$KMOD" proc_name= 2>/dev/null; then
        bn=0
        unload
    fi
    emit "@@RESULT bad_name_rejected=$bn"
}

phase_dmesg() {
    note "phase dmesg"
    pattern='BUG:|WARNING:|Oops|general protection|Call Trace|RCU stall|rcu: INFO|stall on CPU|UBSAN|KASAN|refcount_t|list_add corruption|list_del corruption|kernel BUG|circular locking|sleeping function called'
    bad=$(dmesg | grep -cE "$pattern")
    emit "@@RESULT dmesg_bad=$bad"
    if [ "$bad" != 0 ]; then
        dmesg | grep -E "$pattern" | while read -r line; do
            emit "@@DMESG $line"
        done
    fi
    emit "@@RESULT tainted=$(cat /proc/sys/kernel/tainted)"
    echo "---- dmesg ----"
    dmesg
}

main() {
    PIDS=""
    phase_v1
    phase_v2
    phase_churn
    phase_load_unload
    phase_dmesg
    emit "@@DONE"
}

# A subshell, so that a script error ends the test, not the kernel (PID 1
# must never exit).
setup
(main)
emit "@@END status=$?"
sync
poweroff -f
