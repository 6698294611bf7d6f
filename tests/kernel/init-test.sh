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
# "/"), cgroup v2 with every runtime layout, who may read what (non-root,
# hidepid, subset=pid, pid and cgroup namespaces), churn, a fork-heavy
# container against cpu.stat while 200 containers are added, load/unload,
# dmesg. The module is loaded with interval_ms=100 so that a fresh
# snapshot is never far away; every read waits for a snapshot taken after
# it started (wl fresh), so ground truth read before it brackets it.
# Every wait polls a readiness condition with a deadline; nothing relies on
# a fixed sleep.

# emit, vm_guest_setup, vm_guest_end, READY (tests/kernel/vminit.sh).
# shellcheck source=tests/kernel/vminit.sh
. /lib/vminit.sh

PROC=/proc/container_sysinfo
KMOD=/lib/modules/container_sysinfo.ko
CG=/sys/fs/cgroup
WL=/bin/wl
CONTROLLERS="+cpu +memory +io +pids"

fail() {
    emit "@@FAIL $*"
    echo "FAIL: $*"
}

note() {
    echo "== $(cut -d' ' -f1 /proc/uptime)s $*"
}

setup() {
    vm_guest_setup
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

# send NAME FILE: a document, sent whole to port 1.
send() {
    emit "@@JSON-BEGIN $1"
    cat "$2" >&4
    emit "@@JSON-END $1"
}

# readmod READ [FILE]: one read of a snapshot taken after this call
# started, sent whole to port 1.
readmod() {
    if "$WL" fresh "${2:-$PROC}" >/tmp/read.json 2>/tmp/read.err; then
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
    if ! insmod "$KMOD" interval_ms=100 "$@"; then
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
    # Linux 6.12 as Debian builds it has no cgroup v1 memory controller
    # (CONFIG_MEMCG_V1 unset): then the memory cgroup is the root's, and the
    # module must fall back to RSS.
    if mount -t cgroup -o memory cgroup "$CG/memory" 2>/dev/null; then
        v1h="memory cpu"
        emit "@@RESULT v1_memory=1"
    else
        rmdir "$CG/memory"
        v1h="cpu"
        emit "@@RESULT v1_memory=0"
    fi
    mount -t cgroup -o cpu,cpuacct cgroup "$CG/cpu" || fail "mount v1 cpu"
    mount -t cgroup2 cgroup2 "$CG/unified" || fail "mount hybrid cgroup2"
    id1=$(id_for v1-cgroupfs)
    id2=$(id_for v1-systemd)
    p1=docker/$id1
    p2=system.slice/docker-$id2.scope
    cg1="" cg2=""
    for h in $v1h; do
        mkdir -p "$CG/$h/$p1" "$CG/$h/$p2"
        cg1="$cg1 $CG/$h/$p1"
        cg2="$cg2 $CG/$h/$p2"
    done
    mkdir -p "$CG/unified/$p2"
    start "$cg1" "$WL" threads 3 "$READY/v1-threads"
    t=$LASTPID
    start "$cg2 $CG/unified/$p2" "$WL" alloc 64 "$READY/v1-alloc"
    a=$LASTPID
    wait_ready v1-alloc
    wait_ready v1-threads
    # Ground truth reads the first hierarchy's cgroup.procs (memory if any).
    first=${v1h%% *}
    container v1 v1-threads "$id1" "/$p1" "$CG/$first/$p1" "$CG/cpu/$p1" "$t"
    # The module takes this one's CPU time from the unified cgroup (rstat),
    # so its ground truth is that cgroup's cpu.stat, not v1 cpuacct.usage
    # (the process spent a moment in one before the other).
    container v1 v1-alloc "$id2" "/$p2" "$CG/$first/$p2" "$CG/unified/$p2" "$a"
    if load; then
        measured v1-1
        measured v1-2
        unload
    fi
    stop_workloads
    rm -f "$READY"/*
    for h in $v1h; do
        rmdir "$CG/$h/$p1" "$CG/$h/$p2" "$CG/$h/system.slice" "$CG/$h/docker"
    done
    rmdir "$CG/unified/$p2" "$CG/unified/system.slice"
    umount "$CG/unified" || fail "umount hybrid cgroup2"
    # A v1 hierarchy unmounted while removed cgroups are still being freed
    # stays alive and keeps its controllers away from cgroup2.
    for h in $v1h; do
        wait_for 30 v1_empty "$h" || fail "v1 $h cgroups not freed"
    done
    for h in $v1h; do
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
    i_kube=$(id_for v2-kubelet-cgroupfs)
    i_nerd=$(id_for v2-nerdctl)
    i_nerds=$(id_for v2-nerdctl-systemd)
    i_par=$(id_for v2-cgroup-parent)
    i_argv=$(id_for v2-argvfile)
    p_spin=system.slice/docker-$i_spin.scope
    p_alloc=docker/$i_alloc
    p_write=machine.slice/libpod-$i_write.scope
    p_thr=kubepods.slice/kubepods-besteffort.slice/cri-containerd-$i_thr.scope
    p_weird=system.slice/crio-$i_weird.scope
    p_nest=docker/$i_nest
    # kubelet with the cgroupfs driver, nerdctl (cgroupfs and systemd),
    # docker run --cgroup-parent=/my-parent (cgroupfs driver).
    p_kube=kubepods/besteffort/pod0b7c2d4e-1f2a-4b3c-9d8e-7f6a5b4c3d2e/$i_kube
    p_nerd=default/$i_nerd
    p_nerds=system.slice/nerdctl-$i_nerds.scope
    p_par=my-parent/$i_par
    p_argv=docker/$i_argv
    for d in system.slice docker machine.slice kubepods.slice kubepods.slice/kubepods-besteffort.slice "$p_nest"; do
        mkdir -p "$CG/$d"
        enable_controllers "$CG/$d" || fail "subtree_control $d"
    done
    for d in "$p_spin" "$p_alloc" "$p_write" "$p_thr" "$p_weird" "$p_nest/init" "$p_nest/sub" \
        "$p_kube" "$p_nerd" "$p_nerds" "$p_par" "$p_argv"; do
        mkdir -p "$CG/$d"
    done
    # Decoys: not containers, must not be reported (a 12-digit id, 63
    # digits after a dash, 64 digits glued to a word).
    i_decoy=$(id_for v2-decoy)
    for d in other.slice/foo.service "other.slice/foo-${i_decoy%?}.scope" "other.slice/x$i_decoy" \
        system.slice/docker-0123456789ab.scope; do
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
    start "$CG/$p_kube" "$WL" family 1 "$READY/kube"
    k=$LASTPID
    start "$CG/$p_nerd" "$WL" family 1 "$READY/nerd"
    nd=$LASTPID
    start "$CG/$p_nerds" "$WL" family 1 "$READY/nerds"
    nds=$LASTPID
    start "$CG/$p_par" "$WL" family 1 "$READY/parent"
    pa=$LASTPID
    start "$CG/$p_argv" "$WL" argvfile /run/argv-page "$READY/argvfile"
    av=$LASTPID
    for r in spinner alloc writer threads weird nest-init nest-sub kube nerd nerds parent argvfile; do
        wait_ready "$r"
    done
    container v2 spinner "$i_spin" "/$p_spin" "$CG/$p_spin" "$CG/$p_spin" "$spin_pid"
    container v2 alloc "$i_alloc" "/$p_alloc" "$CG/$p_alloc" "$CG/$p_alloc" "$a"
    container v2 writer "$i_write" "/$p_write" "$CG/$p_write" "$CG/$p_write" "$w"
    container v2 threads "$i_thr" "/$p_thr" "$CG/$p_thr" "$CG/$p_thr" "$t"
    container v2 weird "$i_weird" "/$p_weird" "$CG/$p_weird" "$CG/$p_weird" "$n"
    container v2 nested "$i_nest" "/$p_nest" "$CG/$p_nest" "$CG/$p_nest" "$ni"
    container v2 kubelet-cgroupfs "$i_kube" "/$p_kube" "$CG/$p_kube" "$CG/$p_kube" "$k"
    container v2 nerdctl "$i_nerd" "/$p_nerd" "$CG/$p_nerd" "$CG/$p_nerd" "$nd"
    container v2 nerdctl-systemd "$i_nerds" "/$p_nerds" "$CG/$p_nerds" "$CG/$p_nerds" "$nds"
    container v2 cgroup-parent "$i_par" "/$p_par" "$CG/$p_par" "$CG/$p_par" "$pa"
    container v2 argvfile "$i_argv" "/$p_argv" "$CG/$p_argv" "$CG/$p_argv" "$av"

    load || return
    emit "@@RESULT mode_default=$(stat -c %a "$PROC")"
    measured v2-1
    # Let the spinner use at least half a second of CPU before reading again.
    target=$(($(sched_ns_of "$spin_pid") + 500000000))
    wait_for 60 spinner_advanced "$spin_pid" "$target" || fail "spinner made no progress"
    measured v2-2
    # Two consecutive periodic snapshots: rates are computed between them.
    if "$WL" pair "$PROC" /tmp/pair-1.json /tmp/pair-2.json; then
        send pair-1 /tmp/pair-1.json
        send pair-2 /tmp/pair-2.json
    else
        fail "no two consecutive snapshots"
    fi
    # A non-root reader is refused by the default mode 0400.
    if "$WL" as 1000 1000 /bin/cat "$PROC" >/dev/null 2>&1; then
        emit "@@RESULT nonroot_default_denied=0"
    else
        emit "@@RESULT nonroot_default_denied=1"
    fi
}

# asread NAME UID GID FILE: a fresh read by UID/GID, sent to port 1.
asread() {
    if "$WL" as "$2" "$3" "$WL" fresh "$4" >/tmp/as.json 2>/tmp/as.err; then
        send "$1" /tmp/as.json
    else
        fail "read $1 as $2:$3: $(cat /tmp/as.err)"
    fi
}

# Who may read what: a group named by read_gid, hidepid=1/2 and gid=,
# subset=pid, a child pid namespace and a cgroup namespace.
phase_access() {
    note "phase access"
    unload
    load read_gid=2000 || return
    emit "@@RESULT mode_read_gid=$(stat -c %a:%g "$PROC")"
    i_user=$(id_for access-user)
    p_user=docker/$i_user
    mkdir -p "$CG/$p_user"
    start "$CG/$p_user" "$WL" as 1000 2000 "$WL" family 1 "$READY/user"
    u=$LASTPID
    wait_ready user
    emit "@@RESULT access_user_id=$i_user"
    emit "@@RESULT access_user_pid=$u"
    # In the group, on the normal /proc: everything, argv included.
    asread acc-group 1000 2000 "$PROC"
    # Not in the group: refused.
    if "$WL" as 1001 1001 /bin/cat "$PROC" >/dev/null 2>&1; then
        emit "@@RESULT other_group_denied=0"
    else
        emit "@@RESULT other_group_denied=1"
    fi
    mkdir -p /tmp/proc-h1 /tmp/proc-h2 /tmp/proc-hg /tmp/proc-s
    mount -t proc -o hidepid=1 proc /tmp/proc-h1 || fail "mount hidepid=1"
    mount -t proc -o hidepid=2 proc /tmp/proc-h2 || fail "mount hidepid=2"
    mount -t proc -o hidepid=2,gid=2000 proc /tmp/proc-hg || fail "mount hidepid=2,gid=2000"
    mount -t proc -o subset=pid proc /tmp/proc-s || fail "mount subset=pid"
    asread acc-hidepid1 1000 2000 /tmp/proc-h1/container_sysinfo
    asread acc-hidepid2 1000 2000 /tmp/proc-h2/container_sysinfo
    asread acc-hidepid2-root 0 0 /tmp/proc-h2/container_sysinfo
    # gid= names the group that is exempt from hidepid.
    asread acc-hidepid2-gid 1000 2000 /tmp/proc-hg/container_sysinfo
    if [ -e /tmp/proc-s/container_sysinfo ]; then
        emit "@@RESULT subset_pid_hidden=0"
    else
        emit "@@RESULT subset_pid_hidden=1"
    fi
    umount /tmp/proc-h1 /tmp/proc-h2 /tmp/proc-hg /tmp/proc-s

    # A child pid namespace (as `unshare -p -f --mount-proc` gives a
    # container) sees no container but the one whose process lives in it,
    # with the pid it has there.
    i_ns=$(id_for access-pidns)
    mkdir -p "$CG/docker/$i_ns"
    # shellcheck disable=SC2016 # expanded by the inner shell
    if unshare -p -f --mount-proc /bin/sh -c '
        "$0" fresh /proc/container_sysinfo >/tmp/pidns-empty.json || exit 1
        ( echo 0 >"$1/cgroup.procs" && exec "$0" family 1 /run/ready/pidns ) &
        inner=$!
        n=0
        while [ ! -e /run/ready/pidns ] && [ $n -lt 600 ]; do usleep 50000; n=$((n + 1)); done
        "$0" fresh /proc/container_sysinfo >/tmp/pidns.json || exit 1
        echo "$inner" >/tmp/pidns.pid
        kill -9 "$inner"
        wait "$inner"
        exit 0' "$WL" "$CG/docker/$i_ns"; then
        send acc-pidns-empty /tmp/pidns-empty.json
        send acc-pidns /tmp/pidns.json
        emit "@@RESULT pidns_id=$i_ns"
        emit "@@RESULT pidns_pid=$(cat /tmp/pidns.pid)"
    else
        fail "reading from a child pid namespace"
    fi
    # A cgroup namespace rooted at a container sees that container only,
    # at "/".
    # shellcheck disable=SC2016
    if /bin/sh -c 'echo $$ >"$1/cgroup.procs" && exec "$0" cgns "$0" fresh /proc/container_sysinfo' \
        "$WL" "$CG/$p_user" >/tmp/cgns.json 2>/tmp/cgns.err; then
        send acc-cgns /tmp/cgns.json
    else
        fail "reading from a cgroup namespace: $(cat /tmp/cgns.err)"
    fi
    unload
    load || return
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
    # 150 reads from one process (a fork per read would mostly measure TCG's
    # fork); every 15th document is kept and sent to the host.
    rm -f /tmp/churn-*.json
    result=$("$WL" reads "$PROC" 150 15 /tmp/churn) || fail "churn reader exited with $?"
    reads=${result%% *}
    reads=${reads#reads=}
    bad=${result##*bad=}
    sampled=0
    for i in 15 30 45 60 75 90 105 120 135 150; do
        if [ -e "/tmp/churn-$i.json" ]; then
            sampled=$((sampled + 1))
            emit "@@JSON-BEGIN churn-$i"
            cat "/tmp/churn-$i.json" >&4
            emit "@@JSON-END churn-$i"
        fi
    done
    # Rates between consecutive snapshots, with another reader hammering.
    if "$WL" pair "$PROC" /tmp/cpair-1.json /tmp/cpair-2.json; then
        send churn-pair-1 /tmp/cpair-1.json
        send churn-pair-2 /tmp/cpair-2.json
    else
        fail "no two consecutive snapshots during churn"
    fi
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

# fork_point LABEL: a fresh module document and, read by the same process
# within milliseconds of that snapshot, the fork container's cpu.stat usage
# and the monotonic clock (the clock of the document's Timestamp_ns).
fork_point() {
    "$WL" fresh "$PROC" "$fcg/cpu.stat" "/tmp/$1.truth" >"/tmp/$1.json" || fail "read $1"
    read -r usec mono <"/tmp/$1.truth"
    send "$1" "/tmp/$1.json"
    emit "@@RESULT $1_usage_usec=$usec"
    emit "@@RESULT $1_mono_ns=$mono"
}

# argv mapped from a file on a FUSE mount whose server never answers READ
# (CVE-2018-1120): neither the snapshot nor a reader may wait for it.
phase_fuse() {
    note "phase fuse"
    [ -e /lib/modules/fuse.ko ] && { insmod /lib/modules/fuse.ko || fail "insmod fuse"; }
    wait_for 10 test -c /dev/fuse || { fail "/dev/fuse missing"; return; }
    i_fuse=$(id_for fuse-argv)
    mkdir -p "$CG/docker/$i_fuse" /run/fuse-mnt
    start "$CG/docker/$i_fuse" "$WL" fuseargv /run/fuse-mnt "$READY/fuse"
    fz=$LASTPID
    wait_ready fuse
    emit "@@RESULT fuse_id=$i_fuse"
    if timeout 20 "$WL" fresh "$PROC" >/tmp/fuse.json; then
        send fuse /tmp/fuse.json
        emit "@@RESULT fuse_read_ok=1"
    else
        emit "@@RESULT fuse_read_ok=0"
    fi
    # The kernel's own /proc/<pid>/cmdline, for comparison.
    if timeout 20 cat "/proc/$fz/cmdline" >/dev/null; then
        emit "@@RESULT fuse_proc_cmdline_ok=1"
    else
        emit "@@RESULT fuse_proc_cmdline_ok=0"
    fi
    kill -9 "$fz"
    wait "$fz" 2>/dev/null
    PIDS=${PIDS% "$fz"}
    # Aborts the connection, so the server exits too.
    umount -l /run/fuse-mnt || fail "umount fuse"
}

# A container whose work is all done by children that live 1 s each: its
# first point is read here, the second at the end of phase_scale, at least
# 10 s later (the phases in between run meanwhile).
phase_fork_start() {
    note "phase fork start"
    i_fork=$(id_for fork-heavy)
    fcg=$CG/system.slice/docker-$i_fork.scope
    mkdir -p "$fcg"
    start "$fcg" "$WL" forkburn
    forkburn=$LASTPID
    # Not one of the phase's workloads: phase_scale stops it.
    PIDS=${PIDS% "$forkburn"}
    emit "@@RESULT fork_id=$i_fork"
    wait_for 30 in_cgroup "$forkburn" "$fcg" || fail "forkburn never reached its cgroup"
    fork_start=$(cut -d' ' -f1 /proc/uptime)
    fork_point fork-1
}

# 200 cheap containers (a cgroup with one sleeping task each) are added and
# read; then the fork-heavy container's second point.
phase_scale() {
    note "phase scale"
    load || return
    mkdir -p "$CG/many"
    start "$CG" "$WL" spread "$CG/many" 1 200 "$READY/many"
    wait_ready many
    wait_for 60 many_ready || fail "200 containers not populated"
    "$WL" fresh "$PROC" >/tmp/many.json || fail "read with 200 containers"
    send many /tmp/many.json
    t0=$(cut -d' ' -f1 /proc/uptime)
    "$WL" reads "$PROC" 20 0 /tmp/many-reads >/dev/null || fail "20 reads with 200 containers"
    t1=$(cut -d' ' -f1 /proc/uptime)
    emit "@@RESULT many_20_reads_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}')"

    # The second point 12 s after the first, so that the window between the
    # two documents' own snapshot times spans at least 10 s.
    wait_for 60 elapsed_since "$fork_start" 12 || fail "clock"
    fork_point fork-2
    kill -9 "$forkburn"
    wait "$forkburn" 2>/dev/null
    unload
    stop_workloads
}

many_ready() {
    [ "$(cat "$CG"/many/*/cgroup.procs | wc -l)" -ge 200 ]
}

# elapsed_since UPTIME SECONDS
elapsed_since() {
    awk -v s="$1" -v d="$2" -v now="$(cut -d' ' -f1 /proc/uptime)" 'BEGIN {exit !(now - s >= d)}'
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

    # The original's name, kept through the proc_name parameter.
    if load proc_name=sysinfo_202202906; then
        pn=0
        [ -e /proc/sysinfo_202202906 ] && [ ! -e "$PROC" ] && pn=1
        [ "$(stat -c %a /proc/sysinfo_202202906)" = 400 ] || pn=0
        [ "$(cat /sys/module/container_sysinfo/parameters/proc_name)" = sysinfo_202202906 ] || pn=0
        readmod procname /proc/sysinfo_202202906
        # An administrator can change the mode after loading.
        co=0
        chmod 0440 /proc/sysinfo_202202906 && [ "$(stat -c %a /proc/sysinfo_202202906)" = 440 ] && co=1
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
    phase_fuse
    phase_fork_start
    phase_access
    phase_churn
    phase_scale
    phase_load_unload
    phase_dmesg
    emit "@@DONE"
}

# A subshell, so that a script error ends the test, not the kernel (PID 1
# must never exit).
setup
(main)
emit "@@END status=$?"
vm_guest_end
