// SPDX-License-Identifier: GPL-2.0
/*
 * container_sysinfo - host and per-container resource counters as JSON
 *
 * Creates /proc/<proc_name> (default "container_sysinfo"), readable by root
 * only (mode 0400) unless the read_gid parameter names a group (0440).
 *
 * A delayed work item takes one snapshot every interval_ms (default 1000):
 * host memory and CPU time, then one entry per container cgroup holding its
 * CPU time, memory and I/O accounting.  Readers are handed the latest
 * snapshot (reference counted), filtered for what they may see, so a read
 * costs O(output) however many readers there are, and CPU percentages are
 * rates between two consecutive periodic snapshots, the same for everyone.
 *
 * How the figures are obtained:
 *  - The task walk runs under rcu_read_lock() and neither allocates nor
 *    sleeps: everything it fills is allocated beforehand, sized from the
 *    current process count, and the walk is repeated with larger buffers
 *    if the system grew in the meantime.
 *  - A cgroup is a container when a component of its path is a 64-digit
 *    hex id, bare or as "<prefix>-<id>[.scope]".  Which runtime and layout
 *    that is, is left to user space: every entry carries the cgroup path.
 *  - CPU time of a container on the default hierarchy is the cgroup's own
 *    base rstat counter (what cpu.stat's usage_usec shows), summed with the
 *    per-CPU deltas not flushed yet, so it includes exited tasks.  Only a
 *    container known from a cgroup v1 hierarchy alone falls back to the sum
 *    over its live thread groups ("CPU_Source": "tasks").
 *  - I/O is summed per live thread group like /proc/<pid>/io (signal
 *    totals of reaped threads plus every live thread); what exited
 *    processes did is lost ("IO_Source": "tasks").  Memory is the memory
 *    cgroup's page counter, else the RSS of the live processes.
 *  - Percentages are fixed point with two decimals, no floating point.
 *  - Who sees what is decided at open() from the opener's credentials and
 *    namespaces and the procfs mount it opened the file through: see
 *    cs_view_build().
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/version.h>

/* Spelled with MAJOR/PATCHLEVEL: older kernels lack them, which also fails. */
#if !defined(LINUX_VERSION_MAJOR) || LINUX_VERSION_MAJOR < 6 || \
	(LINUX_VERSION_MAJOR == 6 && LINUX_VERSION_PATCHLEVEL < 1)
#error "container_sysinfo needs Linux 6.1 or newer (see dkms.conf BUILD_EXCLUSIVE_KERNEL)"
#endif

#include <linux/bits.h>
#include <linux/bsearch.h>
#include <linux/capability.h>
#include <linux/cgroup.h>
#include <linux/cpumask.h>
#include <linux/cred.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/kernel_stat.h>
#include <linux/kernfs.h>
#include <linux/kref.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/memcontrol.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/page_counter.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/sched/coredump.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/sched/task.h>
#include <linux/seq_file.h>
#include <linux/seqlock.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/task_io_accounting_ops.h>
#include <linux/tick.h>
#include <linux/timekeeping.h>
#include <linux/u64_stats_sync.h>
#include <linux/uidgid.h>
#include <linux/workqueue.h>

#define CS_ID_LEN		64	/* hex digits of a container id */
#define CS_CMDLINE_MAX		4096	/* bytes of argv reported, like ps */
#define CS_MAX_ATTEMPTS		8	/* walks before giving up on growth */
#define CS_MAX_SLOT_BITS	24
#define CS_JSON_HEAD		1024	/* upper bound of the fixed output */
#define CS_JSON_ENTRY		1024	/* ... and of one entry's fixed part */
#define CS_INTERVAL_MIN		50
#define CS_INTERVAL_MAX		60000

/* Result of looking a cgroup up: no container, or buffers too small. */
#define CS_NONE			(-1)
#define CS_FULL			(-2)

/* Which preallocated buffer a walk found too small. */
#define CS_FULL_CONTAINERS	BIT(0)
#define CS_FULL_SLOTS		BIT(1)
#define CS_FULL_ARENA		BIT(2)

static char *proc_name = "container_sysinfo";
module_param(proc_name, charp, 0444);
MODULE_PARM_DESC(proc_name, "Name of the file created in /proc (default: container_sysinfo)");

static int read_gid = -1;
module_param(read_gid, int, 0444);
MODULE_PARM_DESC(read_gid, "Group (in the initial user namespace) that may read the file too; -1: root only (default)");

static unsigned int interval_ms = 1000;
module_param(interval_ms, uint, 0444);
MODULE_PARM_DESC(interval_ms, "Milliseconds between two snapshots, 50..60000 (default: 1000)");

/*
 * Controllers whose v1 hierarchy is searched for a container id when the
 * task's default-hierarchy path names none (cgroup v1 and hybrid hosts).
 */
static const int cs_v1_ssids[] = {
#ifdef CONFIG_MEMCG
	memory_cgrp_id,
#endif
#ifdef CONFIG_CGROUP_SCHED
	cpu_cgrp_id,
#endif
#ifdef CONFIG_CGROUP_CPUACCT
	cpuacct_cgrp_id,
#endif
#ifdef CONFIG_CGROUP_PIDS
	pids_cgrp_id,
#endif
};

struct cs_container {
	char id[CS_ID_LEN + 1];
	u64 cgid;			/* cgroup_id() of the container cgroup */
	struct cgroup *cgrp;		/* pinned until the snapshot is freed */
	int ssid;			/* -1: default hierarchy, else v1 controller */
	u32 path_off;			/* container cgroup path in the arena */
	u32 path_len;

	/* Main process: parent outside the container first, then lowest tgid. */
	struct pid *pid;		/* referenced until the snapshot is freed */
	pid_t pid_nr;			/* in the initial namespace, to rank */
	bool pid_outside;
	char comm[TASK_COMM_LEN];

	u32 procs;
	u32 tasks;			/* threads */
	u64 first_start;		/* earliest start_time of a live process */
	bool cpu_from_cgroup;		/* cpu_ns is the cgroup's rstat counter */
	u64 cpu_ns;
	u64 rss_bytes;
	u64 memcg_bytes;
	u64 read_bytes;
	u64 write_bytes;
	u64 syscr;
	u64 syscw;

	/* Filled in after the walk. */
	u64 cpu_interval_ns;		/* CPU time since the previous snapshot */
	u64 cpu_pct;			/* percent * 100; 100.00 is one CPU */
	char *cmdline;
	u32 cmdline_len;
};

/* Maps every cgroup met during a walk to its container index or CS_NONE. */
struct cs_slot {
	const struct cgroup *cgrp;
	int idx;
};

struct cs_walk {
	struct cs_container *c;
	unsigned int nr;
	unsigned int cap;
	struct cs_slot *slots;
	unsigned int slot_bits;
	unsigned int slots_used;
	char *arena;			/* container cgroup paths */
	size_t arena_used;
	size_t arena_size;
	char *path;			/* PATH_MAX scratch buffer */
	unsigned int full;		/* CS_FULL_* */
};

/* One periodic snapshot, shared by every reader that opened it. */
struct cs_snapshot {
	struct kref ref;
	u64 seq;			/* 1 for the first snapshot after load */
	u64 now_ns;
	u64 interval_ns;		/* since the previous snapshot, 0 if none */
	u64 mem_total;
	u64 mem_free;
	u64 mem_avail;
	u64 cpu_busy;
	u64 cpu_total;
	u64 cpu_pct;
	unsigned int cpus;
	unsigned int nr;
	struct cs_container *c;
	char *arena;
	size_t size_hint;
};

/* What one open file shows of a snapshot. */
struct cs_view_entry {
	const struct cs_container *c;
	pid_t pid;			/* in the procfs mount's pid namespace */
	bool cmdline;			/* reader may read /proc/<pid>/cmdline */
	char *path;			/* relative to the reader's cgroup ns, or NULL */
};

struct cs_view {
	struct cs_snapshot *s;
	unsigned int nr;
	struct cs_view_entry e[];
};

static DEFINE_MUTEX(cs_lock);		/* guards cs_current and cs_seq */
static struct cs_snapshot *cs_current;
static u64 cs_seq;
static unsigned int cs_nr_hint = 16;	/* containers seen by the last walk */
static void cs_work_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(cs_work, cs_work_fn);

static struct proc_dir_entry *cs_entry;

/* @num / @den as a percentage with two decimals: 1643 means 16.43 %. */
static u64 cs_pct(u64 num, u64 den)
{
	if (!den)
		return 0;
	/* Keeps mul_u64_u64_div_u64() from overflowing on nonsense input. */
	if (div64_u64(num, den) >= U32_MAX)
		return U32_MAX;
	return mul_u64_u64_div_u64(num, 10000, den);
}

static bool cs_is_hex(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

/*
 * Finds a container id in a cgroup path: a component that is "<id>" or
 * "<prefix>-<id>", either optionally followed by ".scope", where <id> is
 * 64 lower-case hex digits.  This covers every runtime layout known
 * (Docker with either driver and --cgroup-parent, Podman, containerd,
 * CRI-O, nerdctl, kubelet with either driver) without naming any of them:
 * user space names the runtime from the reported path.  The last match
 * wins, so a nested container reports its own id.  Returns the level of
 * the matching component (1 for "/a") and the offset just past it in
 * @end, or 0 if the path names no container.
 */
static int cs_parse_path(const char *path, char *id, size_t *end)
{
	const char *p = path;
	int level = 0, found = 0;

	for (;;) {
		const char *comp, *name;
		size_t len;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		while (*p && *p != '/')
			p++;
		len = p - comp;
		level++;

		if (len > 6 && !memcmp(comp + len - 6, ".scope", 6))
			len -= 6;
		if (len < CS_ID_LEN)
			continue;
		name = comp + len - CS_ID_LEN;
		if (len > CS_ID_LEN && name[-1] != '-')
			continue;
		if (!cs_is_hex(name, CS_ID_LEN))
			continue;
		memcpy(id, name, CS_ID_LEN);
		*end = p - path;
		found = level;
	}
	return found;
}

static struct cs_slot *cs_slot_find(struct cs_walk *w, const struct cgroup *cgrp)
{
	unsigned int mask = (1U << w->slot_bits) - 1;
	unsigned int i = hash_ptr(cgrp, w->slot_bits);

	while (w->slots[i].cgrp && w->slots[i].cgrp != cgrp)
		i = (i + 1) & mask;
	return &w->slots[i];
}

static bool cs_slot_add(struct cs_walk *w, const struct cgroup *cgrp, int idx)
{
	struct cs_slot *slot;

	/* Keep the table at most 3/4 full so probing stays short. */
	if ((w->slots_used + 1) * 4 > (3U << w->slot_bits)) {
		w->full |= CS_FULL_SLOTS;
		return false;
	}
	slot = cs_slot_find(w, cgrp);
	slot->cgrp = cgrp;
	slot->idx = idx;
	w->slots_used++;
	return true;
}

static u64 cs_io_read_bytes(const struct task_io_accounting *io)
{
#ifdef CONFIG_TASK_IO_ACCOUNTING
	return io->read_bytes;
#else
	return 0;
#endif
}

static u64 cs_io_write_bytes(const struct task_io_accounting *io)
{
#ifdef CONFIG_TASK_IO_ACCOUNTING
	return io->write_bytes;
#else
	return 0;
#endif
}

static u64 cs_io_syscr(const struct task_io_accounting *io)
{
#ifdef CONFIG_TASK_XACCT
	return io->syscr;
#else
	return 0;
#endif
}

static u64 cs_io_syscw(const struct task_io_accounting *io)
{
#ifdef CONFIG_TASK_XACCT
	return io->syscw;
#else
	return 0;
#endif
}

/*
 * Decides whether @cgrp (on the default hierarchy if @ssid is -1, else on
 * the v1 hierarchy of controller @ssid) is a container or lies inside one,
 * creating the container entry on first sight.  Called under RCU.
 */
static int cs_classify(struct cs_walk *w, struct cgroup *cgrp, int ssid)
{
	char id[CS_ID_LEN];
	struct cs_container *c;
	struct cgroup *ccg;
	struct cs_slot *slot;
	size_t end = 0;
	int len, level, idx;

	len = kernfs_path_from_node(cgrp->kn, NULL, w->path, PATH_MAX);
	if (len < 0 || len >= PATH_MAX)
		return CS_NONE;
	level = cs_parse_path(w->path, id, &end);
	if (!level)
		return CS_NONE;

	/* The container is the ancestor named by the matching component. */
	ccg = cgrp;
	while (ccg && ccg->level > level)
		ccg = cgroup_parent(ccg);
	if (!ccg)
		return CS_NONE;
	if (ccg != cgrp) {
		slot = cs_slot_find(w, ccg);
		if (slot->cgrp)
			return slot->idx;
	}

	if (w->nr == w->cap) {
		w->full |= CS_FULL_CONTAINERS;
		return CS_FULL;
	}
	if (end > w->arena_size - w->arena_used) {
		w->full |= CS_FULL_ARENA;
		return CS_FULL;
	}
	/* A cgroup being removed is not worth pinning. */
	if (!css_tryget(&ccg->self))
		return CS_NONE;
	idx = w->nr;
	c = &w->c[idx];
	memset(c, 0, sizeof(*c));
	memcpy(c->id, id, CS_ID_LEN);
	c->cgid = cgroup_id(ccg);
	c->cgrp = ccg;
	c->ssid = ssid;
	c->path_off = w->arena_used;
	c->path_len = end;
	memcpy(w->arena + w->arena_used, w->path, end);
	w->arena_used += end;
	w->nr++;

	if (ccg != cgrp && !cs_slot_add(w, ccg, idx))
		return CS_FULL;
	return idx;
}

static int cs_lookup(struct cs_walk *w, struct cgroup *cgrp, int ssid)
{
	struct cs_slot *slot = cs_slot_find(w, cgrp);
	int idx;

	if (slot->cgrp)
		return slot->idx;
	idx = cs_classify(w, cgrp, ssid);
	if (idx == CS_FULL)
		return CS_FULL;
	if (!cs_slot_add(w, cgrp, idx))
		return CS_FULL;
	return idx;
}

/* The container @p belongs to, CS_NONE, or CS_FULL.  Called under RCU. */
static int cs_task_container(struct cs_walk *w, struct task_struct *p)
{
	struct cgroup *dfl = task_dfl_cgroup(p);
	unsigned int i;
	int idx;

	idx = cs_lookup(w, dfl, -1);
	if (idx != CS_NONE)
		return idx;

	/*
	 * On a v1 host the default hierarchy path is "/": look at the
	 * hierarchies of the v1 controllers instead.  A controller still
	 * bound to the default hierarchy has nothing more to tell.
	 */
	for (i = 0; i < ARRAY_SIZE(cs_v1_ssids); i++) {
		struct cgroup_subsys_state *css = task_css(p, cs_v1_ssids[i]);

		if (!css || css->cgroup->root == dfl->root)
			continue;
		idx = cs_lookup(w, css->cgroup, cs_v1_ssids[i]);
		if (idx != CS_NONE)
			return idx;
	}
	return CS_NONE;
}

#ifdef CONFIG_MEMCG
/*
 * The cgroup on @css's hierarchy that stands for container @c: the
 * container's own cgroup when the memory controller shares its hierarchy,
 * else (hybrid hosts: container found on the default hierarchy, memory
 * controller on v1) the v1 cgroup whose path names the same id.
 */
static struct cgroup *cs_memcg_target(struct cs_walk *w, struct cgroup_subsys_state *css,
				      const struct cs_container *c)
{
	struct cgroup *cgrp = css->cgroup;
	char id[CS_ID_LEN];
	size_t end = 0;
	int len, level;

	if (cgrp->root == c->cgrp->root)
		return c->cgrp;
	len = kernfs_path_from_node(cgrp->kn, NULL, w->path, PATH_MAX);
	if (len < 0 || len >= PATH_MAX)
		return NULL;
	level = cs_parse_path(w->path, id, &end);
	if (!level || memcmp(id, c->id, CS_ID_LEN))
		return NULL;
	while (cgrp && cgrp->level > level)
		cgrp = cgroup_parent(cgrp);
	return cgrp;
}
#endif

/*
 * Memory charged to the container's memory cgroup, or 0 when the memory
 * controller is not enabled at the container's level (its tasks are then
 * charged to an ancestor, which would overstate the container).
 */
static u64 cs_memcg_bytes(struct cs_walk *w, struct task_struct *p,
			  const struct cs_container *c)
{
#ifdef CONFIG_MEMCG
	struct cgroup_subsys_state *css;
	struct cgroup *target;

	if (mem_cgroup_disabled())
		return 0;
	css = task_css(p, memory_cgrp_id);
	target = cs_memcg_target(w, css, c);
	for (; target && css; css = css->parent) {
		if (css->cgroup == target) {
			struct mem_cgroup *memcg = mem_cgroup_from_css(css);

			return (u64)page_counter_read(&memcg->memory) << PAGE_SHIFT;
		}
	}
#endif
	return 0;
}

/* Adds thread group @p to container @c.  Called under RCU. */
static void cs_account(struct cs_walk *w, struct cs_container *c, struct task_struct *p)
{
	struct signal_struct *sig = p->signal;
	struct task_io_accounting io;
	struct task_struct *t, *parent;
	struct cgroup *pcg;
	unsigned int seq, nextseq;
	unsigned long flags;
	u64 cpu, rss = 0;
	u32 threads;
	bool outside, better;
	pid_t nr;

	/*
	 * Counters of reaped threads plus every live thread.  __exit_signal()
	 * moves a dying thread's counters into the signal struct and unlinks
	 * it under stats_lock, so this sees each thread exactly once: the
	 * same pattern as thread_group_cputime().
	 */
	nextseq = 0;
	do {
		seq = nextseq;
		flags = read_seqbegin_or_lock_irqsave(&sig->stats_lock, &seq);
		cpu = sig->sum_sched_runtime;
		io = sig->ioac;
		threads = 0;
		for_each_thread(p, t) {
			cpu += t->se.sum_exec_runtime;
			task_io_accounting_add(&io, &t->ioac);
			threads++;
		}
		nextseq = 1;
	} while (need_seqretry(&sig->stats_lock, seq));
	done_seqretry_irqrestore(&sig->stats_lock, seq, flags);

	/* Threads share the mm; an exited leader has none, so ask the others. */
	for_each_thread(p, t) {
		task_lock(t);
		if (t->mm) {
			rss = (u64)get_mm_rss(t->mm) << PAGE_SHIFT;
			task_unlock(t);
			break;
		}
		task_unlock(t);
	}

	if (!c->procs) {
		c->memcg_bytes = cs_memcg_bytes(w, p, c);
		c->first_start = p->start_time;
	}
	c->first_start = min(c->first_start, p->start_time);
	c->tasks += threads;
	c->cpu_ns += cpu;
	c->rss_bytes += rss;
	c->read_bytes += cs_io_read_bytes(&io);
	c->write_bytes += cs_io_write_bytes(&io);
	c->syscr += cs_io_syscr(&io);
	c->syscw += cs_io_syscw(&io);

	parent = rcu_dereference(p->real_parent);
	if (c->ssid < 0)
		pcg = task_dfl_cgroup(parent);
	else
		pcg = task_css(parent, c->ssid)->cgroup;
	outside = !cgroup_is_descendant(pcg, c->cgrp);
	nr = task_tgid_nr(p);

	if (!c->procs)
		better = true;
	else if (outside != c->pid_outside)
		better = outside;
	else
		better = nr < c->pid_nr;
	if (better) {
		put_pid(c->pid);
		c->pid = get_pid(task_tgid(p));
		c->pid_nr = nr;
		c->pid_outside = outside;
		task_lock(p);
		strscpy_pad(c->comm, p->comm, sizeof(c->comm));
		task_unlock(p);
	}
	c->procs++;
}

static void cs_walk_tasks(struct cs_walk *w)
{
	struct task_struct *p;
	int idx;

	for_each_process(p) {
		if (p->flags & PF_KTHREAD)
			continue;
		idx = cs_task_container(w, p);
		if (idx == CS_FULL)
			return;
		if (idx >= 0)
			cs_account(w, &w->c[idx], p);
	}
}

/*
 * CPU time of @cgrp and all its descendants, as cpu.stat's usage_usec
 * would show it after a flush, without flushing (cgroup_rstat_flush() is
 * not exported): the flushed total plus every per-CPU delta and every
 * descendant's total not yet propagated upwards.  A flush running at the
 * same time can make one reading slightly off; the caller keeps the
 * counter monotonic.  Called under RCU.
 */
static u64 cs_cgroup_cpu_ns(struct cgroup *cgrp)
{
	struct cgroup_subsys_state *pos;
	u64 sum = cgrp->bstat.cputime.sum_exec_runtime;

	css_for_each_descendant_pre(pos, &cgrp->self) {
		struct cgroup *d = pos->cgroup;
		int cpu;

		if (d != cgrp)
			sum += d->bstat.cputime.sum_exec_runtime -
			       d->last_bstat.cputime.sum_exec_runtime;
		for_each_possible_cpu(cpu) {
			struct cgroup_rstat_cpu *rc = per_cpu_ptr(d->rstat_cpu, cpu);
			unsigned int seq;
			u64 cur, last;

			do {
				seq = u64_stats_fetch_begin(&rc->bsync);
				cur = rc->bstat.cputime.sum_exec_runtime;
				last = rc->last_bstat.cputime.sum_exec_runtime;
			} while (u64_stats_fetch_retry(&rc->bsync, seq));
			sum += cur - last;
		}
	}
	return sum;
}

/* Containers on the default hierarchy take their CPU time from the cgroup. */
static void cs_cgroup_counters(struct cs_walk *w)
{
	unsigned int i;

	rcu_read_lock();
	for (i = 0; i < w->nr; i++) {
		struct cs_container *c = &w->c[i];

		if (c->ssid >= 0)
			continue;
		c->cpu_ns = cs_cgroup_cpu_ns(c->cgrp);
		c->cpu_from_cgroup = true;
	}
	rcu_read_unlock();
}

static unsigned int cs_count_processes(void)
{
	struct task_struct *p;
	unsigned int n = 0;

	rcu_read_lock();
	for_each_process(p)
		n++;
	rcu_read_unlock();
	return n;
}

/* Drops what the first @w->nr containers pin. */
static void cs_unpin(struct cs_container *c, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		put_pid(c[i].pid);
		cgroup_put(c[i].cgrp);
	}
}

static void cs_walk_free(struct cs_walk *w)
{
	if (w->c)
		cs_unpin(w->c, w->nr);
	kvfree(w->c);
	kvfree(w->slots);
	kvfree(w->arena);
	kfree(w->path);
	w->c = NULL;
	w->slots = NULL;
	w->arena = NULL;
	w->path = NULL;
	w->nr = 0;
}

static int cs_walk_alloc(struct cs_walk *w)
{
	w->nr = 0;
	w->slots_used = 0;
	w->arena_used = 0;
	w->full = 0;
	w->c = kvmalloc_array(w->cap, sizeof(*w->c), GFP_KERNEL_ACCOUNT);
	w->slots = kvcalloc(1U << w->slot_bits, sizeof(*w->slots), GFP_KERNEL_ACCOUNT);
	w->arena = kvmalloc(w->arena_size, GFP_KERNEL_ACCOUNT);
	w->path = kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT);
	if (!w->c || !w->slots || !w->arena || !w->path) {
		cs_walk_free(w);
		return -ENOMEM;
	}
	return 0;
}

/* Slot table bits for @procs processes and @cap containers, 3/4 full at most. */
static unsigned int cs_slot_bits(unsigned int procs, unsigned int cap)
{
	u64 cgroups = (u64)procs * (1 + ARRAY_SIZE(cs_v1_ssids)) + cap;

	return clamp_t(unsigned int, order_base_2(div_u64(cgroups * 4, 3) + 1), 6,
		       CS_MAX_SLOT_BITS);
}

/*
 * Walks all processes into preallocated buffers.  Their sizes come from
 * the containers seen last time and the current process count; a
 * container has at least one process, so after one failed walk the
 * process count bounds what is needed.  The hint is updated whatever the
 * outcome, so a host that grew is sized right on the next period.
 */
static int cs_collect(struct cs_snapshot *s)
{
	struct cs_walk w = { };
	unsigned int procs = cs_count_processes();
	int attempt;

	w.cap = clamp(READ_ONCE(cs_nr_hint) + READ_ONCE(cs_nr_hint) / 4 + 16, 16U, procs + 16);
	w.slot_bits = cs_slot_bits(procs, w.cap);
	w.arena_size = max_t(size_t, (size_t)w.cap * 160, PATH_MAX);

	for (attempt = 0; attempt < CS_MAX_ATTEMPTS; attempt++) {
		unsigned int full;

		if (cs_walk_alloc(&w))
			return -ENOMEM;

		s->now_ns = ktime_get_ns();
		rcu_read_lock();
		cs_walk_tasks(&w);
		rcu_read_unlock();
		full = w.full;
		WRITE_ONCE(cs_nr_hint, max(w.nr, full ? w.cap : 0U));

		if (!full) {
			cs_cgroup_counters(&w);
			s->c = w.c;
			s->nr = w.nr;
			s->arena = w.arena;
			w.c = NULL;
			w.arena = NULL;
			cs_walk_free(&w);
			return 0;
		}
		cs_walk_free(&w);
		procs = max(procs, cs_count_processes());
		if (full & CS_FULL_CONTAINERS) {
			w.cap = max(w.cap * 2, procs + 16);
			w.arena_size = max_t(size_t, w.arena_size, (size_t)w.cap * 160);
		}
		w.slot_bits = max(w.slot_bits, cs_slot_bits(procs, w.cap));
		if ((full & CS_FULL_SLOTS) && w.slot_bits < CS_MAX_SLOT_BITS)
			w.slot_bits++;
		if (full & CS_FULL_ARENA)
			w.arena_size *= 4;
	}
	return -EAGAIN;
}

static void cs_host_memory(struct cs_snapshot *s)
{
	struct sysinfo si;

	si_meminfo(&si);
	s->mem_total = (u64)si.totalram * si.mem_unit;
	s->mem_free = (u64)si.freeram * si.mem_unit;
	s->mem_avail = min_t(u64, (u64)si_mem_available() << PAGE_SHIFT, s->mem_total);
}

/* Busy and total CPU time of all CPUs in ns, summed like /proc/stat. */
static void cs_host_cpu(struct cs_snapshot *s)
{
	u64 busy = 0, total = 0;
	int cpu;

	for_each_possible_cpu(cpu) {
		struct kernel_cpustat kcs;
		u64 *st = kcs.cpustat;
		u64 idle, iowait, us;

		kcpustat_cpu_fetch(&kcs, cpu);
		busy += st[CPUTIME_USER] + st[CPUTIME_NICE] + st[CPUTIME_SYSTEM] +
			st[CPUTIME_IRQ] + st[CPUTIME_SOFTIRQ] + st[CPUTIME_STEAL];
		idle = st[CPUTIME_IDLE];
		iowait = st[CPUTIME_IOWAIT];
		/* With NO_HZ the idle counters are only current in tick-sched. */
		if (cpu_online(cpu)) {
			us = get_cpu_idle_time_us(cpu, NULL);
			if (us != -1ULL)
				idle = us * NSEC_PER_USEC;
			us = get_cpu_iowait_time_us(cpu, NULL);
			if (us != -1ULL)
				iowait = us * NSEC_PER_USEC;
		}
		total += idle + iowait;
	}
	s->cpu_busy = busy;
	s->cpu_total = total + busy;
	s->cpus = num_online_cpus();
}

/* Length of the valid UTF-8 sequence starting at @s, 0 if invalid. */
static size_t cs_utf8_len(const unsigned char *s, size_t len)
{
	size_t n, i;
	u32 cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n > len)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/*
 * Writes @s as a JSON string to @m, or only measures it if @m is NULL.
 * '"' and '\\' are escaped with a backslash, control characters as
 * \u00XX; valid UTF-8 passes through and any other byte becomes \u00XX
 * (its Latin-1 reading), so the output is always valid JSON.
 */
static size_t cs_json_string(struct seq_file *m, const char *str, size_t len)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t i = 0, run = 0, out = 2;

	if (m)
		seq_putc(m, '"');
	while (i < len) {
		unsigned char ch = s[i];
		size_t n = 1;

		if (ch >= 0x80)
			n = cs_utf8_len(s + i, len - i);
		if ((ch >= 0x20 && ch < 0x7f && ch != '"' && ch != '\\') || n > 1) {
			run += n;
			i += n;
			continue;
		}
		if (m && run)
			seq_write(m, s + i - run, run);
		out += run;
		run = 0;
		if (ch == '"' || ch == '\\') {
			if (m) {
				seq_putc(m, '\\');
				seq_putc(m, ch);
			}
			out += 2;
		} else {
			if (m)
				seq_printf(m, "\\u%04x", ch);
			out += 6;
		}
		i++;
	}
	if (m && run)
		seq_write(m, s + i - run, run);
	if (m)
		seq_putc(m, '"');
	return out + run;
}

/*
 * Reads the main process's argv the way /proc/<pid>/cmdline does: the
 * bytes between arg_start and arg_end, through access_process_vm() with
 * FOLL_ANON, so an argv mapped from a file (say, on a FUSE mount that
 * never answers) is not faulted in and cannot stall the snapshot.  NULs
 * become spaces.  This may sleep on the target's mmap lock, so it runs
 * after the RCU walk, in the snapshot worker: never in a reader.
 */
static void cs_read_cmdline(struct cs_container *c, char *buf)
{
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long start, end, env_end;
	int len = 0, i;

	task = get_pid_task(c->pid, PIDTYPE_TGID);
	if (!task)
		return;
	mm = get_task_mm(task);
	if (!mm)
		goto out;
	spin_lock(&mm->arg_lock);
	start = mm->arg_start;
	end = mm->arg_end;
	env_end = mm->env_end;
	spin_unlock(&mm->arg_lock);
	/* env_end is 0 until exec has set up the new stack. */
	if (env_end && end > start)
		len = access_process_vm(task, start, buf,
					min_t(unsigned long, end - start, CS_CMDLINE_MAX),
					FOLL_ANON);
	mmput(mm);

	while (len > 0 && !buf[len - 1])
		len--;
	for (i = 0; i < len; i++) {
		if (!buf[i])
			buf[i] = ' ';
	}
	if (len > 0) {
		c->cmdline = kmemdup(buf, len, GFP_KERNEL_ACCOUNT);
		if (c->cmdline)
			c->cmdline_len = len;
	}
out:
	put_task_struct(task);
}

static int cs_cmp_container(const void *a, const void *b)
{
	const struct cs_container *x = a, *y = b;
	int r = strcmp(x->id, y->id);

	if (r)
		return r;
	return x->cgid < y->cgid ? -1 : x->cgid > y->cgid;
}

/* @c's entry in @prev (sorted the same way), or NULL. */
static const struct cs_container *cs_find_prev(const struct cs_snapshot *prev,
					       const struct cs_container *c)
{
	if (!prev || !prev->nr)
		return NULL;
	return bsearch(c, prev->c, prev->nr, sizeof(*c), cs_cmp_container);
}

/*
 * Rates between this snapshot and the previous periodic one, the same
 * for every reader:
 *  - host: busy / total CPU time of all CPUs in between (0..100); for the
 *    first snapshot since load, since boot;
 *  - container: its CPU time in between over the elapsed time (100 = one
 *    CPU fully used).  A container new since the previous snapshot (or
 *    whose cgroup was recreated under the same id) is measured since the
 *    start of its oldest live process.  A counter that went backwards (a
 *    process exited, for live-task sums) counts as no use.  The result is
 *    clamped to what the container's threads (and the CPUs) can use.
 * The main process's argv is read again every snapshot: a process may
 * rewrite it (setproctitle(), PR_SET_MM), and a cached copy would hide
 * what /proc/<pid>/cmdline shows now.
 */
static void cs_rates(struct cs_snapshot *s, const struct cs_snapshot *prev, char *buf)
{
	unsigned int i;

	if (prev && s->cpu_total > prev->cpu_total) {
		u64 busy = s->cpu_busy > prev->cpu_busy ? s->cpu_busy - prev->cpu_busy : 0;

		s->cpu_pct = cs_pct(busy, s->cpu_total - prev->cpu_total);
	} else if (prev) {
		s->cpu_pct = prev->cpu_pct;	/* no time has passed */
	} else {
		s->cpu_pct = cs_pct(s->cpu_busy, s->cpu_total);
	}
	s->cpu_pct = min_t(u64, s->cpu_pct, 10000);
	s->interval_ns = prev && s->now_ns > prev->now_ns ? s->now_ns - prev->now_ns : 0;

	for (i = 0; i < s->nr; i++) {
		struct cs_container *c = &s->c[i];
		const struct cs_container *p = cs_find_prev(prev, c);
		u64 limit = (u64)min(c->tasks, max(s->cpus, 1U)) * 10000;

		if (p && c->cpu_from_cgroup && p->cpu_from_cgroup && c->cpu_ns < p->cpu_ns)
			c->cpu_ns = p->cpu_ns;	/* raced with a flush */
		if (p && s->interval_ns) {
			c->cpu_interval_ns = c->cpu_ns > p->cpu_ns ? c->cpu_ns - p->cpu_ns : 0;
			c->cpu_pct = cs_pct(c->cpu_interval_ns, s->interval_ns);
		} else if (s->now_ns > c->first_start) {
			c->cpu_pct = cs_pct(c->cpu_ns, s->now_ns - c->first_start);
		}
		c->cpu_pct = min(c->cpu_pct, limit);

		cs_read_cmdline(c, buf);
	}
}

static void cs_snapshot_release(struct kref *ref)
{
	struct cs_snapshot *s = container_of(ref, struct cs_snapshot, ref);
	unsigned int i;

	for (i = 0; i < s->nr; i++)
		kfree(s->c[i].cmdline);
	if (s->c)
		cs_unpin(s->c, s->nr);
	kvfree(s->c);
	kvfree(s->arena);
	kfree(s);
}

static void cs_snapshot_put(struct cs_snapshot *s)
{
	if (s)
		kref_put(&s->ref, cs_snapshot_release);
}

/* The latest snapshot with a reference for the caller, or NULL. */
static struct cs_snapshot *cs_snapshot_get(void)
{
	struct cs_snapshot *s;

	mutex_lock(&cs_lock);
	s = cs_current;
	if (s)
		kref_get(&s->ref);
	mutex_unlock(&cs_lock);
	return s;
}

/* Takes a snapshot and makes it the current one. */
static int cs_refresh(void)
{
	struct cs_snapshot *s, *prev;
	unsigned int i;
	char *buf;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL_ACCOUNT);
	buf = kmalloc(CS_CMDLINE_MAX, GFP_KERNEL_ACCOUNT);
	if (!s || !buf) {
		kfree(s);
		kfree(buf);
		return -ENOMEM;
	}
	kref_init(&s->ref);
	cs_host_memory(s);
	cs_host_cpu(s);
	ret = cs_collect(s);
	if (ret) {
		kfree(buf);
		cs_snapshot_put(s);
		return ret;
	}
	sort(s->c, s->nr, sizeof(*s->c), cs_cmp_container, NULL);

	/* Only this worker replaces cs_current, so prev stays current meanwhile. */
	prev = cs_snapshot_get();
	cs_rates(s, prev, buf);
	kfree(buf);

	/* Room for the whole document, so seq_file formats it only once. */
	s->size_hint = CS_JSON_HEAD;
	for (i = 0; i < s->nr; i++) {
		const struct cs_container *c = &s->c[i];

		s->size_hint += CS_JSON_ENTRY +
			cs_json_string(NULL, c->comm, strnlen(c->comm, sizeof(c->comm))) +
			cs_json_string(NULL, c->cmdline, c->cmdline_len) +
			cs_json_string(NULL, s->arena + c->path_off, c->path_len);
	}

	mutex_lock(&cs_lock);
	s->seq = ++cs_seq;
	cs_current = s;
	mutex_unlock(&cs_lock);
	/* Once for the reference taken above, once for being current. */
	cs_snapshot_put(prev);
	cs_snapshot_put(prev);
	return 0;
}

static void cs_work_fn(struct work_struct *work)
{
	int ret = cs_refresh();

	if (ret)
		pr_warn_ratelimited("snapshot failed (%d), readers keep the previous one\n", ret);
	queue_delayed_work(system_unbound_wq, &cs_work, msecs_to_jiffies(interval_ms));
}

/*
 * Whether the opener may read /proc/<pid>/ of @task on a hidepid mount:
 * the check procfs makes, ptrace_may_access(PTRACE_MODE_READ_FSCREDS),
 * which modules cannot call, restated without the LSM hook: the same
 * thread group, or the opener's fsuid/fsgid equal to all of the task's
 * uids/gids and the task dumpable, or CAP_SYS_PTRACE.
 */
static bool cs_may_read_task(struct file *file, struct task_struct *task)
{
	const struct cred *cred = file->f_cred, *tcred;
	struct mm_struct *mm;
	bool same;

	if (same_thread_group(task, current))
		return true;
	rcu_read_lock();
	tcred = __task_cred(task);
	same = uid_eq(cred->fsuid, tcred->euid) && uid_eq(cred->fsuid, tcred->suid) &&
	       uid_eq(cred->fsuid, tcred->uid) && gid_eq(cred->fsgid, tcred->egid) &&
	       gid_eq(cred->fsgid, tcred->sgid) && gid_eq(cred->fsgid, tcred->gid);
	rcu_read_unlock();
	if (same) {
		task_lock(task);
		mm = task->mm;
		if (mm && get_dumpable(mm) != SUID_DUMP_USER)
			same = false;
		task_unlock(task);
	}
	return same || file_ns_capable(file, &init_user_ns, CAP_SYS_PTRACE);
}

/*
 * The root of cgroup namespace @ns on container @c's hierarchy; a
 * hierarchy's own root when the namespace does not restrict it.
 */
static struct cgroup *cs_cgroup_ns_root(const struct cs_container *c,
					struct cgroup_namespace *ns)
{
	if (c->ssid < 0)
		return ns->root_cset->dfl_cgrp;
	return ns->root_cset->subsys[c->ssid]->cgroup;
}

static void cs_view_free(struct cs_view *v)
{
	unsigned int i;

	if (!v)
		return;
	for (i = 0; i < v->nr; i++)
		kfree(v->e[i].path);
	cs_snapshot_put(v->s);
	kvfree(v);
}

/*
 * The part of snapshot @s the opener of @file may see:
 *  - A reader in a pid namespace other than the initial one (its own, or
 *    the one of the procfs mount it opened the file through) sees only the
 *    containers whose main process has a pid there, with that pid.
 *  - A reader in a cgroup namespace other than the initial one sees only
 *    the containers inside it, with paths relative to it.
 *  - On a procfs mount with hidepid=, a reader outside its gid= group
 *    sees with hidepid=1 every container but only the argv of processes
 *    it may inspect, with hidepid=2 or 4 only containers whose main
 *    process it may inspect (subset=pid hides the file itself).
 * Allocations are charged to the reader.
 */
static struct cs_view *cs_view_build(struct file *file, struct cs_snapshot *s)
{
	struct proc_fs_info *fs = proc_sb_info(file_inode(file)->i_sb);
	struct pid_namespace *mnt_ns = fs->pid_ns, *own_ns = task_active_pid_ns(current);
	struct cgroup_namespace *cgns = current->nsproxy->cgroup_ns;
	bool pid_ns_limited = mnt_ns != &init_pid_ns || own_ns != &init_pid_ns;
	bool hide = fs->hide_pid != HIDEPID_OFF && !in_group_p(fs->pid_gid);
	struct cs_view *v;
	char *buf = NULL;
	unsigned int i;

	v = kvzalloc(struct_size(v, e, s->nr), GFP_KERNEL_ACCOUNT);
	if (!v)
		return NULL;
	v->s = s;
	for (i = 0; i < s->nr; i++) {
		const struct cs_container *c = &s->c[i];
		struct cs_view_entry *e = &v->e[v->nr];
		struct cgroup *cgns_root = cs_cgroup_ns_root(c, cgns);
		bool cg_ns_limited = cgroup_parent(cgns_root);
		bool may_read = true;
		pid_t nr;

		nr = pid_nr_ns(c->pid, mnt_ns);
		if (pid_ns_limited && (!nr || !pid_nr_ns(c->pid, own_ns)))
			continue;
		if (cg_ns_limited && !cgroup_is_descendant(c->cgrp, cgns_root))
			continue;
		if (hide) {
			struct task_struct *task = get_pid_task(c->pid, PIDTYPE_TGID);

			may_read = task && cs_may_read_task(file, task);
			if (task)
				put_task_struct(task);
			if (!may_read && fs->hide_pid != HIDEPID_NO_ACCESS)
				continue;
		}
		if (cg_ns_limited) {
			int len;

			if (!buf)
				buf = kmalloc(PATH_MAX, GFP_KERNEL_ACCOUNT);
			if (!buf)
				goto fail;
			len = cgroup_path_ns(c->cgrp, buf, PATH_MAX, cgns);

			if (len < 0 || len >= PATH_MAX)
				continue;
			e->path = kstrdup(buf, GFP_KERNEL_ACCOUNT);
			if (!e->path)
				goto fail;
		}
		e->c = c;
		e->pid = nr;
		e->cmdline = may_read;
		v->nr++;
	}
	kfree(buf);
	return v;
fail:
	kfree(buf);
	v->s = NULL;
	cs_view_free(v);
	return NULL;
}

static void cs_show_container(struct seq_file *m, const struct cs_snapshot *s,
			      const struct cs_view_entry *e)
{
	const struct cs_container *c = e->c;
	u64 mem = c->memcg_bytes ? c->memcg_bytes : c->rss_bytes;
	u64 mem_pct = cs_pct(mem, s->mem_total);

	seq_printf(m, "    {\n      \"PID\": %d,\n      \"Name\": ", e->pid);
	cs_json_string(m, c->comm, strnlen(c->comm, sizeof(c->comm)));
	seq_printf(m, ",\n      \"ContainerID\": \"%s\",\n      \"Cmdline\": ", c->id);
	if (e->cmdline)
		cs_json_string(m, c->cmdline, c->cmdline_len);
	else
		seq_puts(m, "null");
	seq_printf(m, ",\n      \"MemoryUsage_percent\": %llu.%02llu,\n",
		   mem_pct / 100, mem_pct % 100);
	seq_printf(m, "      \"MemoryUsage_MB\": %llu,\n", mem >> 20);
	seq_printf(m, "      \"CPUUsage_percent\": %llu.%02llu,\n",
		   c->cpu_pct / 100, c->cpu_pct % 100);
	seq_printf(m, "      \"DiskUse_MB\": %llu,\n", (c->read_bytes + c->write_bytes) >> 20);
	seq_printf(m, "      \"Write_KBytes\": %llu,\n", c->write_bytes >> 10);
	seq_printf(m, "      \"Read_KBytes\": %llu,\n", c->read_bytes >> 10);
	seq_printf(m, "      \"IOReadOps\": %llu,\n", c->syscr);
	seq_printf(m, "      \"IOWriteOps\": %llu,\n", c->syscw);
	seq_puts(m, "      \"Cgroup\": ");
	if (e->path)
		cs_json_string(m, e->path, strlen(e->path));
	else
		cs_json_string(m, s->arena + c->path_off, c->path_len);
	seq_printf(m, ",\n      \"CPU_Source\": \"%s\",\n      \"IO_Source\": \"tasks\",\n",
		   c->cpu_from_cgroup ? "cgroup" : "tasks");
	seq_printf(m, "      \"Raw\": {\"cpu_ns\": %llu, \"cpu_ns_interval\": %llu, ",
		   c->cpu_ns, c->cpu_interval_ns);
	seq_printf(m, "\"rss_bytes\": %llu, \"memcg_bytes\": %llu, ",
		   c->rss_bytes, c->memcg_bytes);
	seq_printf(m, "\"read_bytes\": %llu, \"write_bytes\": %llu, ",
		   c->read_bytes, c->write_bytes);
	seq_printf(m, "\"syscr\": %llu, \"syscw\": %llu, \"tasks\": %u, \"procs\": %u}\n    }",
		   c->syscr, c->syscw, c->tasks, c->procs);
}

static int cs_show(struct seq_file *m, void *v)
{
	const struct cs_view *view = m->private;
	const struct cs_snapshot *s = view->s;
	u64 used = s->mem_total - s->mem_avail;
	unsigned int i;

	seq_printf(m, "{\n  \"Timestamp_ns\": %llu,\n  \"Snapshot_Sequence\": %llu,\n",
		   s->now_ns, s->seq);
	seq_printf(m, "  \"Interval_ns\": %llu,\n  \"Memory\": {\n", s->interval_ns);
	seq_printf(m, "    \"Total_Memory_MB\": %llu,\n", s->mem_total >> 20);
	seq_printf(m, "    \"Free_Memory_MB\": %llu,\n", s->mem_avail >> 20);
	seq_printf(m, "    \"Used_Memory_MB\": %llu,\n", used >> 20);
	seq_printf(m, "    \"CPU_Usage_Percentage\": %llu.%02llu,\n",
		   s->cpu_pct / 100, s->cpu_pct % 100);
	seq_printf(m, "    \"Available_Memory_MB\": %llu,\n", s->mem_avail >> 20);
	seq_printf(m, "    \"Total_Memory_Bytes\": %llu,\n", s->mem_total);
	seq_printf(m, "    \"Free_Memory_Bytes\": %llu,\n", s->mem_free);
	seq_printf(m, "    \"Available_Memory_Bytes\": %llu,\n", s->mem_avail);
	seq_printf(m, "    \"CPU_Busy_ns\": %llu,\n", s->cpu_busy);
	seq_printf(m, "    \"CPU_Total_ns\": %llu,\n", s->cpu_total);
	seq_printf(m, "    \"CPU_Count\": %u\n  },\n  \"Docker_Containers\": [", s->cpus);
	for (i = 0; i < view->nr; i++) {
		seq_puts(m, i ? ",\n" : "\n");
		cs_show_container(m, s, &view->e[i]);
	}
	seq_puts(m, view->nr ? "\n  ]\n}\n" : "]\n}\n");
	return 0;
}

static int cs_open(struct inode *inode, struct file *file)
{
	struct cs_snapshot *s = cs_snapshot_get();
	struct cs_view *v;
	size_t size;
	int ret;

	if (!s)
		return -EAGAIN;
	v = cs_view_build(file, s);
	if (!v) {
		cs_snapshot_put(s);
		return -ENOMEM;
	}
	/* The snapshot's hint covers every entry; a view shows a subset. */
	size = s->nr ? CS_JSON_HEAD + div_u64((u64)(s->size_hint - CS_JSON_HEAD) * v->nr, s->nr)
		     : CS_JSON_HEAD;
	ret = single_open_size(file, cs_show, v, size + (size_t)v->nr * 256);
	if (ret)
		cs_view_free(v);
	return ret;
}

static int cs_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	cs_view_free(m->private);
	return single_release(inode, file);
}

static const struct proc_ops cs_proc_ops = {
	.proc_open	= cs_open,
	.proc_read_iter	= seq_read_iter,
	.proc_lseek	= seq_lseek,
	.proc_release	= cs_release,
};

static int __init cs_init(void)
{
	umode_t mode = 0400;
	int ret;

	if (!proc_name || !*proc_name || strchr(proc_name, '/') ||
	    !strcmp(proc_name, ".") || !strcmp(proc_name, "..")) {
		pr_err("invalid proc_name\n");
		return -EINVAL;
	}
	if (interval_ms < CS_INTERVAL_MIN || interval_ms > CS_INTERVAL_MAX) {
		pr_err("interval_ms must be %u..%u\n", CS_INTERVAL_MIN, CS_INTERVAL_MAX);
		return -EINVAL;
	}
	if (read_gid >= 0) {
		if (!gid_valid(make_kgid(&init_user_ns, read_gid))) {
			pr_err("invalid read_gid\n");
			return -EINVAL;
		}
		mode = 0440;
	} else if (read_gid != -1) {
		pr_err("read_gid must be a group id or -1\n");
		return -EINVAL;
	}

	/* Readers never wait for a first snapshot. */
	ret = cs_refresh();
	if (ret)
		pr_warn("first snapshot failed (%d), retrying every period\n", ret);

	cs_entry = proc_create(proc_name, mode, NULL, &cs_proc_ops);
	if (!cs_entry) {
		pr_err("cannot create /proc/%s\n", proc_name);
		cs_snapshot_put(cs_current);
		cs_current = NULL;
		return -ENOMEM;
	}
	if (read_gid >= 0)
		proc_set_user(cs_entry, GLOBAL_ROOT_UID, make_kgid(&init_user_ns, read_gid));
	queue_delayed_work(system_unbound_wq, &cs_work, msecs_to_jiffies(interval_ms));
	return 0;
}

static void __exit cs_exit(void)
{
	/* No new readers, open ones released; then no more snapshots. */
	proc_remove(cs_entry);
	cancel_delayed_work_sync(&cs_work);
	cs_snapshot_put(cs_current);
	cs_current = NULL;
}

module_init(cs_init);
module_exit(cs_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Stevedore developers");
MODULE_DESCRIPTION("Host and per-container CPU, memory and I/O counters as JSON in /proc");
MODULE_VERSION("0.1.0");
