// SPDX-License-Identifier: GPL-2.0
/*
 * container_sysinfo - host and per-container resource counters as JSON
 *
 * Creates /proc/<proc_name> (default "container_sysinfo"), mode 0444.
 * Every open() takes one snapshot: host memory and CPU time, then one
 * entry per container cgroup (Docker with the systemd or the cgroupfs
 * driver, Podman, containerd, CRI-O) holding the summed CPU time, memory
 * and I/O accounting of all the container's tasks.  Reads of that open
 * file return the snapshot as JSON through seq_file, so a reader that
 * needs a larger buffer gets exactly the same document again.
 *
 * How the figures are obtained:
 *  - The task walk runs under rcu_read_lock() and neither allocates nor
 *    sleeps: everything it fills is allocated beforehand, and the walk is
 *    repeated with larger buffers if the system grew in the meantime.
 *  - A task's container is found from its cgroup path on the default
 *    hierarchy (task_dfl_cgroup() + kernfs_path_from_node(), which only
 *    takes a spinlock) or, when that path names no container (cgroup v1
 *    hosts), from the cgroup of a v1 controller.
 *  - CPU time and I/O are summed per thread group the way
 *    thread_group_cputime() and /proc/<pid>/io do it: the signal struct's
 *    totals of reaped threads plus every live thread, read under the
 *    signal's stats_lock seqlock.  RSS comes from get_mm_rss() under
 *    task_lock(); container memory from the memory cgroup's page counter.
 *  - Percentages are fixed point with two decimals, no floating point.
 *  - CPU percentages are computed against the previous read of the file
 *    (kept per container under a mutex), never by sleeping; see
 *    cs_update_rates() for the exact rule.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bits.h>
#include <linux/cgroup.h>
#include <linux/cpumask.h>
#include <linux/hash.h>
#include <linux/kernel.h>
#include <linux/kernel_stat.h>
#include <linux/kernfs.h>
#include <linux/limits.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/memcontrol.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/page_counter.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/proc_fs.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
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

#define CS_ID_LEN		64	/* hex digits of a container id */
#define CS_CMDLINE_MAX		4096	/* bytes of argv reported, like ps */
#define CS_MAX_ATTEMPTS		8	/* walks before giving up on growth */
#define CS_MAX_SLOT_BITS	24
#define CS_JSON_HEAD		1024	/* upper bound of the fixed output */
#define CS_JSON_ENTRY		1024	/* ... and of one entry's fixed part */

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
	struct cgroup *cgrp;		/* only valid during the RCU walk */
	int ssid;			/* -1: default hierarchy, else v1 controller */
	u32 path_off;			/* container cgroup path in the arena */
	u32 path_len;

	/* Main process: parent outside the container first, then lowest tgid. */
	pid_t pid;
	bool pid_outside;
	u64 pid_start;			/* its start_time, to find it again */
	char comm[TASK_COMM_LEN];

	u32 procs;
	u32 tasks;			/* threads */
	u64 first_start;		/* earliest start_time of a live process */
	u64 cpu_ns;
	u64 rss_bytes;
	u64 memcg_bytes;
	u64 read_bytes;
	u64 write_bytes;
	u64 syscr;
	u64 syscw;

	/* Filled in after the walk. */
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
	struct pid_namespace *ns;
	unsigned int full;		/* CS_FULL_* */
};

struct cs_snapshot {
	u64 now_ns;
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

/* Counters of the previous read, for CPU percentages. */
struct cs_prev {
	char id[CS_ID_LEN + 1];
	u64 cgid;
	u64 cpu_ns;
	u64 at_ns;
};

static DEFINE_MUTEX(cs_prev_lock);
static struct cs_prev *cs_prev;		/* sorted like the snapshot */
static unsigned int cs_prev_nr;
static u64 cs_prev_busy;
static u64 cs_prev_total;
static u64 cs_prev_host_pct;
static unsigned int cs_nr_hint = 16;	/* containers seen by the last read */

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

static bool cs_is_hex_id(const char *s, size_t len)
{
	size_t i;

	if (len != CS_ID_LEN)
		return false;
	for (i = 0; i < len; i++) {
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

static bool cs_starts_with(const char *s, size_t len, const char *prefix)
{
	size_t plen = strlen(prefix);

	return len >= plen && !memcmp(s, prefix, plen);
}

static bool cs_equals(const char *s, size_t len, const char *word)
{
	return len == strlen(word) && !memcmp(s, word, len);
}

/* Directories under which a bare 64-hex name is a container. */
static bool cs_runtime_dir(const char *s, size_t len)
{
	return cs_equals(s, len, "docker") || cs_starts_with(s, len, "libpod") ||
	       cs_equals(s, len, "crio") || cs_starts_with(s, len, "kubepods");
}

/*
 * Finds a container id in a cgroup path, with the same rules as
 * Stevedore's user space: "<prefix><id>.scope" for the prefixes below,
 * or a bare id under a runtime's directory ("/docker/<id>").  The last
 * match wins, so a nested container reports its own id.  Returns the
 * level of the matching component (1 for "/a") and the offset just past
 * it in @end, or 0 if the path names no container.
 */
static int cs_parse_path(const char *path, char *id, size_t *end)
{
	static const char * const prefixes[] = {
		"docker-", "libpod-", "cri-containerd-", "crio-",
	};
	const char *p = path, *parent = NULL;
	size_t parent_len = 0;
	int level = 0, found = 0;

	for (;;) {
		const char *comp, *name;
		size_t len, nlen, i;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		comp = p;
		while (*p && *p != '/')
			p++;
		len = p - comp;
		level++;

		name = comp;
		nlen = len;
		if (nlen > 6 && !memcmp(name + nlen - 6, ".scope", 6))
			nlen -= 6;
		for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
			if (cs_starts_with(name, nlen, prefixes[i])) {
				name += strlen(prefixes[i]);
				nlen -= strlen(prefixes[i]);
				break;
			}
		}
		if (cs_is_hex_id(name, nlen) &&
		    (nlen != len || (parent && cs_runtime_dir(parent, parent_len)))) {
			memcpy(id, name, CS_ID_LEN);
			*end = p - path;
			found = level;
		}
		parent = comp;
		parent_len = len;
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
	pid_t pid;

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
	pid = task_tgid_nr_ns(p, w->ns);

	if (!c->procs)
		better = true;
	else if (outside != c->pid_outside)
		better = outside;
	else if (!pid || !c->pid)	/* not visible from the reader's namespace */
		better = !c->pid;
	else
		better = pid < c->pid;
	if (better) {
		c->pid = pid;
		c->pid_outside = outside;
		c->pid_start = p->start_time;
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

static void cs_walk_free(struct cs_walk *w)
{
	kvfree(w->c);
	kvfree(w->slots);
	kvfree(w->arena);
	kfree(w->path);
	w->c = NULL;
	w->slots = NULL;
	w->arena = NULL;
	w->path = NULL;
}

static int cs_walk_alloc(struct cs_walk *w)
{
	w->nr = 0;
	w->slots_used = 0;
	w->arena_used = 0;
	w->full = 0;
	w->c = kvmalloc_array(w->cap, sizeof(*w->c), GFP_KERNEL);
	w->slots = kvcalloc(1U << w->slot_bits, sizeof(*w->slots), GFP_KERNEL);
	w->arena = kvmalloc(w->arena_size, GFP_KERNEL);
	w->path = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!w->c || !w->slots || !w->arena || !w->path) {
		cs_walk_free(w);
		return -ENOMEM;
	}
	return 0;
}

/*
 * Walks all processes into preallocated buffers.  Their sizes are guesses
 * (process count, containers seen last time); whichever turns out too
 * small is doubled and the walk repeated.
 */
static int cs_collect(struct cs_snapshot *s)
{
	struct cs_walk w = { };
	unsigned int procs = cs_count_processes();
	int attempt, ret;

	w.cap = max(16U, 2 * READ_ONCE(cs_nr_hint));
	w.slot_bits = clamp_t(unsigned int, order_base_2(2 * (procs + w.cap)), 6,
			      CS_MAX_SLOT_BITS);
	w.arena_size = max_t(size_t, (size_t)w.cap * 128, PATH_MAX);
	w.ns = task_active_pid_ns(current);

	for (attempt = 0; attempt < CS_MAX_ATTEMPTS; attempt++) {
		ret = cs_walk_alloc(&w);
		if (ret)
			return ret;

		s->now_ns = ktime_get_ns();
		rcu_read_lock();
		cs_walk_tasks(&w);
		rcu_read_unlock();

		if (!w.full) {
			s->c = w.c;
			s->nr = w.nr;
			s->arena = w.arena;
			w.c = NULL;
			w.arena = NULL;
			cs_walk_free(&w);
			WRITE_ONCE(cs_nr_hint, s->nr);
			return 0;
		}
		if (w.full & CS_FULL_CONTAINERS) {
			w.cap *= 2;
			w.arena_size *= 2;
		}
		if ((w.full & CS_FULL_SLOTS) && w.slot_bits < CS_MAX_SLOT_BITS)
			w.slot_bits++;
		if (w.full & CS_FULL_ARENA)
			w.arena_size *= 2;
		cs_walk_free(&w);
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

/*
 * Reads the main process's argv (the bytes between arg_start and arg_end,
 * as /proc/<pid>/cmdline does) with NULs turned into spaces.  This may
 * sleep on the target's mmap lock, so it runs after the RCU walk.
 */
static void cs_read_cmdline(struct cs_container *c, char *buf)
{
	struct task_struct *task;
	struct mm_struct *mm;
	unsigned long start, end, env_end;
	struct pid *pid;
	int len = 0, i;

	if (!c->pid)
		return;
	pid = find_get_pid(c->pid);
	task = get_pid_task(pid, PIDTYPE_TGID);
	put_pid(pid);
	if (!task)
		return;
	/* The pid may have been reused since the walk. */
	if (task->start_time != c->pid_start)
		goto out;
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
					min_t(unsigned long, end - start, CS_CMDLINE_MAX), 0);
	mmput(mm);

	while (len > 0 && !buf[len - 1])
		len--;
	for (i = 0; i < len; i++) {
		if (!buf[i])
			buf[i] = ' ';
	}
	if (len > 0) {
		c->cmdline = kmemdup(buf, len, GFP_KERNEL);
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

/*
 * CPU percentages, computed against the previous read of the file:
 *  - host: busy / total CPU time of all CPUs between the two reads
 *    (0..100); on the first read since load, since boot;
 *  - container: its CPU time between the two reads divided by the
 *    elapsed time (100 = one CPU fully used).  A container not present
 *    in the previous read (or whose cgroup was recreated under the same
 *    id) is measured since the start of its oldest live process.  A
 *    counter that went backwards (a process exited) counts as no use.
 * The previous counters are module-wide, so every reader advances them:
 * readers that need their own intervals should diff the Raw counters.
 */
static int cs_update_rates(struct cs_snapshot *s)
{
	struct cs_prev *next = NULL, *old;
	unsigned int i, j = 0;

	if (s->nr) {
		next = kvmalloc_array(s->nr, sizeof(*next), GFP_KERNEL);
		if (!next)
			return -ENOMEM;
	}

	mutex_lock(&cs_prev_lock);
	if (cs_prev_total && s->cpu_total > cs_prev_total) {
		u64 busy = s->cpu_busy > cs_prev_busy ? s->cpu_busy - cs_prev_busy : 0;

		s->cpu_pct = cs_pct(busy, s->cpu_total - cs_prev_total);
	} else if (cs_prev_total) {
		s->cpu_pct = cs_prev_host_pct;	/* no time has passed */
	} else {
		s->cpu_pct = cs_pct(s->cpu_busy, s->cpu_total);
	}
	s->cpu_pct = min_t(u64, s->cpu_pct, 10000);
	if (s->cpu_total > cs_prev_total) {
		cs_prev_busy = s->cpu_busy;
		cs_prev_total = s->cpu_total;
		cs_prev_host_pct = s->cpu_pct;
	}

	old = cs_prev;
	for (i = 0; i < s->nr; i++) {
		struct cs_container *c = &s->c[i];
		const struct cs_prev *prev = NULL;

		while (j < cs_prev_nr && strcmp(old[j].id, c->id) < 0)
			j++;
		if (j < cs_prev_nr && !strcmp(old[j].id, c->id) && old[j].cgid == c->cgid)
			prev = &old[j];

		if (prev && s->now_ns > prev->at_ns) {
			u64 used = c->cpu_ns > prev->cpu_ns ? c->cpu_ns - prev->cpu_ns : 0;

			c->cpu_pct = cs_pct(used, s->now_ns - prev->at_ns);
		} else if (s->now_ns > c->first_start) {
			c->cpu_pct = cs_pct(c->cpu_ns, s->now_ns - c->first_start);
		}

		if (prev && s->now_ns <= prev->at_ns) {
			next[i] = *prev;	/* a concurrent reader was later */
		} else {
			memcpy(next[i].id, c->id, sizeof(next[i].id));
			next[i].cgid = c->cgid;
			next[i].cpu_ns = c->cpu_ns;
			next[i].at_ns = s->now_ns;
		}
	}
	cs_prev = next;
	cs_prev_nr = s->nr;
	mutex_unlock(&cs_prev_lock);

	kvfree(old);
	return 0;
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

static void cs_show_container(struct seq_file *m, const struct cs_snapshot *s,
			      const struct cs_container *c)
{
	u64 mem = c->memcg_bytes ? c->memcg_bytes : c->rss_bytes;
	u64 mem_pct = cs_pct(mem, s->mem_total);

	seq_printf(m, "    {\n      \"PID\": %d,\n      \"Name\": ", c->pid);
	cs_json_string(m, c->comm, strnlen(c->comm, sizeof(c->comm)));
	seq_printf(m, ",\n      \"ContainerID\": \"%s\",\n      \"Cmdline\": ", c->id);
	cs_json_string(m, c->cmdline, c->cmdline_len);
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
	cs_json_string(m, s->arena + c->path_off, c->path_len);
	seq_printf(m, ",\n      \"Raw\": {\"cpu_ns\": %llu, \"rss_bytes\": %llu, \"memcg_bytes\": %llu, ",
		   c->cpu_ns, c->rss_bytes, c->memcg_bytes);
	seq_printf(m, "\"read_bytes\": %llu, \"write_bytes\": %llu, ",
		   c->read_bytes, c->write_bytes);
	seq_printf(m, "\"syscr\": %llu, \"syscw\": %llu, \"tasks\": %u}\n    }",
		   c->syscr, c->syscw, c->tasks);
}

static int cs_show(struct seq_file *m, void *v)
{
	const struct cs_snapshot *s = m->private;
	u64 used = s->mem_total - s->mem_avail;
	unsigned int i;

	seq_printf(m, "{\n  \"Timestamp_ns\": %llu,\n  \"Memory\": {\n", s->now_ns);
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
	for (i = 0; i < s->nr; i++) {
		seq_puts(m, i ? ",\n" : "\n");
		cs_show_container(m, s, &s->c[i]);
	}
	seq_puts(m, s->nr ? "\n  ]\n}\n" : "]\n}\n");
	return 0;
}

static void cs_free_snapshot(struct cs_snapshot *s)
{
	unsigned int i;

	if (!s)
		return;
	for (i = 0; i < s->nr; i++)
		kfree(s->c[i].cmdline);
	kvfree(s->c);
	kvfree(s->arena);
	kfree(s);
}

static int cs_take_snapshot(struct cs_snapshot *s)
{
	unsigned int i;
	char *buf;
	int ret;

	cs_host_memory(s);
	cs_host_cpu(s);
	ret = cs_collect(s);
	if (ret)
		return ret;

	buf = kmalloc(CS_CMDLINE_MAX, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < s->nr; i++)
		cs_read_cmdline(&s->c[i], buf);
	kfree(buf);

	sort(s->c, s->nr, sizeof(*s->c), cs_cmp_container, NULL);
	ret = cs_update_rates(s);
	if (ret)
		return ret;

	/* Room for the whole document, so seq_file formats it only once. */
	s->size_hint = CS_JSON_HEAD;
	for (i = 0; i < s->nr; i++) {
		const struct cs_container *c = &s->c[i];

		s->size_hint += CS_JSON_ENTRY +
			cs_json_string(NULL, c->comm, strnlen(c->comm, sizeof(c->comm))) +
			cs_json_string(NULL, c->cmdline, c->cmdline_len) +
			cs_json_string(NULL, s->arena + c->path_off, c->path_len);
	}
	return 0;
}

static int cs_open(struct inode *inode, struct file *file)
{
	struct cs_snapshot *s;
	int ret;

	s = kzalloc(sizeof(*s), GFP_KERNEL);
	if (!s)
		return -ENOMEM;
	ret = cs_take_snapshot(s);
	if (!ret)
		ret = single_open_size(file, cs_show, s, s->size_hint);
	if (ret)
		cs_free_snapshot(s);
	return ret;
}

static int cs_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	cs_free_snapshot(m->private);
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
	if (!proc_name || !*proc_name || strchr(proc_name, '/') ||
	    !strcmp(proc_name, ".") || !strcmp(proc_name, "..")) {
		pr_err("invalid proc_name\n");
		return -EINVAL;
	}
	cs_entry = proc_create(proc_name, 0444, NULL, &cs_proc_ops);
	if (!cs_entry) {
		pr_err("cannot create /proc/%s\n", proc_name);
		return -ENOMEM;
	}
	return 0;
}

static void __exit cs_exit(void)
{
	proc_remove(cs_entry);
	kvfree(cs_prev);
}

module_init(cs_init);
module_exit(cs_exit);

MODULE_LICENSE("GPL");
MODULE_AUTHOR("Stevedore developers");
MODULE_DESCRIPTION("Host and per-container CPU, memory and I/O counters as JSON in /proc");
MODULE_VERSION("0.1.0");
