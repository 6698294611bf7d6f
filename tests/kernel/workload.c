// Small static workloads for the kernel-module VM test and benchmark.
// Built with `gcc -static -O2 -pthread`; each mode writes a readiness file
// (empty, atomically: temp file + rename) once it has reached its steady state, so
// the VM's /init can wait for it instead of sleeping.
//
//   wl spin  READY                 burn one CPU forever
//   wl alloc MIB READY             allocate and touch MIB MiB, then sleep
//   wl write DEV MIB READY         write MIB MiB to DEV + fsync, read 4 MiB back
//                                  with O_DIRECT, then sleep
//   wl threads N READY             N extra threads, each burns ~50 ms CPU, sleep
//   wl name COMM READY [ARG...]    set comm to COMM, then sleep
//   wl family N READY              N processes in all (N-1 forked children), sleep
//   wl forker                      fork children that exit at once, forever
//   wl threadchurn                 create threads that exit at once, forever
//   wl reads FILE N EVERY PREFIX   read FILE N times (open, read all, close);
//                                  check each read is one whole document and
//                                  save every EVERY-th as PREFIX-<i>.json;
//                                  prints "reads=N bad=B"
//   wl pause                       sleep forever
//   wl fresh FILE                  read FILE until its "Timestamp_ns" is later
//                                  than this command's start (a snapshot taken
//                                  after it), print that document
//   wl fresh FILE CPUSTAT OUT      the same, then at once write CPUSTAT's
//                                  usage_usec and the CLOCK_MONOTONIC time
//                                  ("<usec> <ns>") to OUT: ground truth read
//                                  within milliseconds of the snapshot
//   wl pair FILE OUT1 OUT2         read FILE until two documents with
//                                  consecutive "Snapshot_Sequence" are seen,
//                                  save them to OUT1 and OUT2
//   wl as UID GID PROG [ARG...]    drop to UID/GID (no supplementary groups)
//                                  and exec PROG
//   wl spread DIR FROM TO READY    cgroups DIR/<i as 64 hex digits> for i in
//                                  FROM..TO, one sleeping child in each, then
//                                  sleep
//   wl fuseargv MNT READY          mount a one-file FUSE file system at MNT
//                                  whose server never answers READ, map the
//                                  file and point argv at it (the
//                                  CVE-2018-1120 set-up), then sleep
//   wl cgns PROG [ARG...]          exec PROG in a new cgroup namespace
//   wl forkburn                    forever: fork a child that spins for 1 s of
//                                  wall time and exits (stress --cpu 1
//                                  --timeout 1 in a loop), wait for it
//   wl argvfile PATH READY         point this process's argv at a page mapped
//                                  from file PATH (PR_SET_MM), then sleep
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/fuse.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static void die(const char* what)
{
    fprintf(stderr, "wl: %s: %s\n", what, strerror(errno));
    exit(1);
}

// The readiness file is created empty: a data page on tmpfs would stay
// charged to the workload's memory cgroup after it exits and keep that
// cgroup (and a v1 hierarchy) from being freed.
static void ready(const char* path)
{
    char tmp[4096];
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        die(tmp);
    close(fd);
    if (rename(tmp, path) != 0)
        die(path);
}

static _Noreturn void sleep_forever(void)
{
    for (;;)
        pause();
}

static double thread_cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void* burn_then_sleep(void* arg)
{
    (void)arg;
    const double until = thread_cpu_seconds() + 0.05;
    volatile unsigned long x = 0;
    while (thread_cpu_seconds() < until)
        x++;
    sleep_forever();
    return NULL;
}

static _Noreturn void mode_spin(const char* readyPath)
{
    ready(readyPath);
    volatile unsigned long x = 0;
    for (;;)
        x++;
}

static int mode_alloc(long mib, const char* readyPath)
{
    const size_t len = (size_t)mib << 20;
    unsigned char* p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        die("mmap");
    const long page = sysconf(_SC_PAGESIZE);
    for (size_t off = 0; off < len; off += (size_t)page)
        p[off] = (unsigned char)(off / (size_t)page + 1);
    ready(readyPath);
    sleep_forever();
    return 0;
}

static int mode_write(const char* dev, long mib, const char* readyPath)
{
    const size_t chunk = 1 << 20;
    char* buf = malloc(chunk);
    if (!buf)
        die("malloc");
    memset(buf, 0x5a, chunk);
    int fd = open(dev, O_WRONLY);
    if (fd < 0)
        die(dev);
    for (long i = 0; i < mib; i++) {
        if (write(fd, buf, chunk) != (ssize_t)chunk)
            die("write");
    }
    if (fsync(fd) != 0)
        die("fsync");
    close(fd);

    void* aligned = NULL;
    if (posix_memalign(&aligned, 4096, chunk) != 0)
        die("posix_memalign");
    fd = open(dev, O_RDONLY | O_DIRECT);
    if (fd < 0)
        die(dev);
    for (int i = 0; i < 4; i++) {
        if (read(fd, aligned, chunk) != (ssize_t)chunk)
            die("read");
    }
    close(fd);
    ready(readyPath);
    sleep_forever();
    return 0;
}

static int mode_threads(int n, const char* readyPath)
{
    for (int i = 0; i < n; i++) {
        pthread_t t;
        if (pthread_create(&t, NULL, burn_then_sleep, NULL) != 0)
            die("pthread_create");
    }
    // Every thread exists now; their CPU burn is bounded and the test brackets
    // the module's figures with ground truth read before and after.
    ready(readyPath);
    sleep_forever();
    return 0;
}

static int mode_name(const char* comm, const char* readyPath)
{
    if (prctl(PR_SET_NAME, comm, 0, 0, 0) != 0)
        die("prctl");
    ready(readyPath);
    sleep_forever();
    return 0;
}

static int mode_family(int n, const char* readyPath)
{
    for (int i = 1; i < n; i++) {
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0)
            sleep_forever();
    }
    ready(readyPath);
    sleep_forever();
    return 0;
}

static _Noreturn void mode_forker(void)
{
    for (;;) {
        pid_t pid = fork();
        if (pid < 0) {
            if (errno == EAGAIN || errno == ENOMEM)
                continue;
            die("fork");
        }
        if (pid == 0)
            _exit(0);
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) { }
    }
}

static void* exit_at_once(void* arg)
{
    return arg;
}

static _Noreturn void mode_threadchurn(void)
{
    for (;;) {
        pthread_t t;
        if (pthread_create(&t, NULL, exit_at_once, NULL) != 0)
            continue;
        pthread_join(t, NULL);
    }
}

static int mode_reads(const char* file, long n, long every, const char* prefix)
{
    size_t cap = 1 << 16;
    char* buf = malloc(cap);
    if (!buf)
        die("malloc");
    long bad = 0;
    for (long i = 1; i <= n; i++) {
        int fd = open(file, O_RDONLY);
        if (fd < 0) {
            bad++;
            continue;
        }
        size_t len = 0;
        ssize_t got = 0;
        for (;;) {
            if (len == cap) {
                cap *= 2;
                buf = realloc(buf, cap);
                if (!buf)
                    die("realloc");
            }
            got = read(fd, buf + len, cap - len);
            if (got < 0 && errno == EINTR)
                continue;
            if (got <= 0)
                break;
            len += (size_t)got;
        }
        close(fd);
        if (got < 0 || len < 4 || buf[0] != '{' || memcmp(buf + len - 2, "}\n", 2) != 0) {
            fprintf(stderr, "wl: read %ld of %s is not a whole document (%zu bytes)\n", i, file, len);
            bad++;
            continue;
        }
        if (every > 0 && i % every == 0) {
            char path[4096];
            snprintf(path, sizeof path, "%s-%ld.json", prefix, i);
            FILE* f = fopen(path, "w");
            if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
                die(path);
        }
    }
    printf("reads=%ld bad=%ld\n", n, bad);
    free(buf);
    return 0;
}

// Reads all of FILE into a growing buffer; returns its length or -1.
static long slurp(const char* file, char** buf, size_t* cap)
{
    int fd = open(file, O_RDONLY);
    if (fd < 0)
        return -1;
    size_t len = 0;
    for (;;) {
        if (len + 1 >= *cap) {
            *cap = *cap ? *cap * 2 : 1 << 16;
            *buf = realloc(*buf, *cap);
            if (!*buf)
                die("realloc");
        }
        ssize_t got = read(fd, *buf + len, *cap - len - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            close(fd);
            return -1;
        }
        if (got == 0)
            break;
        len += (size_t)got;
    }
    close(fd);
    (*buf)[len] = '\0';
    return (long)len;
}

static unsigned long long json_u64(const char* doc, const char* key)
{
    char needle[128];
    snprintf(needle, sizeof needle, "\"%s\": ", key);
    const char* at = strstr(doc, needle);
    return at ? strtoull(at + strlen(needle), NULL, 10) : 0;
}

static unsigned long long monotonic_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long)ts.tv_sec * 1000000000ULL + (unsigned long long)ts.tv_nsec;
}

static void save(const char* path, const char* buf, size_t len)
{
    FILE* f = fopen(path, "w");
    if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0)
        die(path);
}

// usage_usec of a cgroup v2 cpu.stat, or -1.
static long long cpu_stat_usage_usec(const char* cpuStat)
{
    char* buf = NULL;
    size_t cap = 0;
    long long usec = -1;
    if (slurp(cpuStat, &buf, &cap) >= 0) {
        const char* at = strstr(buf, "usage_usec ");
        if (at)
            usec = strtoll(at + strlen("usage_usec "), NULL, 10);
    }
    free(buf);
    return usec;
}

static int mode_fresh(const char* file, const char* cpuStat, const char* out)
{
    const unsigned long long start = monotonic_ns();
    char* buf = NULL;
    size_t cap = 0;
    for (int i = 0; i < 3000; i++) {
        long len = slurp(file, &buf, &cap);
        if (len < 0) {
            fprintf(stderr, "wl: %s: %s\n", file, strerror(errno));
            return 1;
        }
        if (json_u64(buf, "Timestamp_ns") > start) {
            // Read before printing: the snapshot was taken at most one
            // poll (10 ms) and one read ago.
            if (cpuStat) {
                const long long usec = cpu_stat_usage_usec(cpuStat);
                const unsigned long long now = monotonic_ns();
                if (usec < 0) {
                    fprintf(stderr, "wl: %s: no usage_usec\n", cpuStat);
                    return 1;
                }
                char line[64];
                const int n = snprintf(line, sizeof line, "%lld %llu\n", usec, now);
                save(out, line, (size_t)n);
            }
            fwrite(buf, 1, (size_t)len, stdout);
            free(buf);
            return 0;
        }
        usleep(10000);
    }
    fprintf(stderr, "wl: %s: no snapshot newer than the start within 30 s\n", file);
    return 1;
}

static int mode_pair(const char* file, const char* out1, const char* out2)
{
    char* buf = NULL;
    char* prev = NULL;
    size_t cap = 0;
    long prevLen = 0;
    unsigned long long prevSeq = 0;
    for (int i = 0; i < 3000; i++) {
        long len = slurp(file, &buf, &cap);
        if (len < 0)
            die(file);
        const unsigned long long seq = json_u64(buf, "Snapshot_Sequence");
        if (prev && seq == prevSeq + 1) {
            save(out1, prev, (size_t)prevLen);
            save(out2, buf, (size_t)len);
            return 0;
        }
        if (seq != prevSeq) {
            free(prev);
            prev = strdup(buf);
            if (!prev)
                die("strdup");
            prevLen = len;
            prevSeq = seq;
        }
        usleep(5000);
    }
    fprintf(stderr, "wl: %s: no two consecutive snapshots seen\n", file);
    return 1;
}

static int mode_as(uid_t uid, gid_t gid, char** argv)
{
    if (setgroups(0, NULL) != 0 || setgid(gid) != 0 || setuid(uid) != 0)
        die("drop privileges");
    execv(argv[0], argv);
    die(argv[0]);
    return 1;
}

static int mode_spread(const char* dir, int from, int to, const char* readyPath)
{
    for (int i = from; i <= to; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%064x", dir, i);
        if (mkdir(path, 0755) != 0 && errno != EEXIST)
            die(path);
        pid_t pid = fork();
        if (pid < 0)
            die("fork");
        if (pid == 0) {
            strncat(path, "/cgroup.procs", sizeof path - strlen(path) - 1);
            int fd = open(path, O_WRONLY);
            if (fd < 0 || write(fd, "0", 1) != 1)
                die(path);
            close(fd);
            sleep_forever();
        }
    }
    ready(readyPath);
    sleep_forever();
}

// Answers one FUSE request: header plus `len` bytes of `body`.
static void fuse_reply(int fd, uint64_t unique, int error, const void* body, size_t len)
{
    char buf[512];
    struct fuse_out_header* out = (struct fuse_out_header*)buf;
    out->len = (uint32_t)(sizeof *out + len);
    out->error = error;
    out->unique = unique;
    if (len)
        memcpy(buf + sizeof *out, body, len);
    if (write(fd, buf, out->len) < 0 && errno != ENOENT)
        die("write /dev/fuse");
}

static void fuse_file_attr(struct fuse_attr* a, uint64_t ino)
{
    memset(a, 0, sizeof *a);
    a->ino = ino;
    a->mode = ino == FUSE_ROOT_ID ? (S_IFDIR | 0755) : (S_IFREG | 0444);
    a->nlink = 1;
    a->size = ino == FUSE_ROOT_ID ? 0 : 4096;
    a->blocks = 8;
    a->blksize = 4096;
}

// Serves just enough of the protocol to look up, open and map one file;
// READ is never answered, so whoever faults its page in waits forever.
static _Noreturn void fuse_serve(int fd)
{
    static char buf[FUSE_MIN_READ_BUFFER + 65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && (errno == EINTR || errno == ENOENT))
            continue;
        if (n < (ssize_t)sizeof(struct fuse_in_header))
            _exit(0);
        const struct fuse_in_header* in = (const struct fuse_in_header*)buf;
        switch (in->opcode) {
        case FUSE_INIT: {
            const struct fuse_init_in* init = (const struct fuse_init_in*)(in + 1);
            struct fuse_init_out out;
            memset(&out, 0, sizeof out);
            out.major = FUSE_KERNEL_VERSION;
            out.minor = init->minor < 31 ? init->minor : 31;
            out.max_readahead = init->max_readahead;
            out.max_write = 4096;
            out.max_background = 16;
            out.congestion_threshold = 12;
            out.time_gran = 1;
            fuse_reply(fd, in->unique, 0, &out, sizeof out);
            break;
        }
        case FUSE_LOOKUP: {
            struct fuse_entry_out out;
            memset(&out, 0, sizeof out);
            if (strcmp((const char*)(in + 1), "argv") != 0) {
                fuse_reply(fd, in->unique, -ENOENT, NULL, 0);
                break;
            }
            out.nodeid = 2;
            out.generation = 1;
            fuse_file_attr(&out.attr, 2);
            fuse_reply(fd, in->unique, 0, &out, sizeof out);
            break;
        }
        case FUSE_GETATTR: {
            struct fuse_attr_out out;
            memset(&out, 0, sizeof out);
            fuse_file_attr(&out.attr, in->nodeid);
            fuse_reply(fd, in->unique, 0, &out, sizeof out);
            break;
        }
        case FUSE_OPEN: {
            struct fuse_open_out out;
            memset(&out, 0, sizeof out);
            fuse_reply(fd, in->unique, 0, &out, sizeof out);
            break;
        }
        case FUSE_READ:
        case FUSE_FORGET:
        case FUSE_BATCH_FORGET:
        case FUSE_INTERRUPT:
            break; // never answered (READ), or no answer expected
        case FUSE_FLUSH:
        case FUSE_RELEASE:
            fuse_reply(fd, in->unique, 0, NULL, 0);
            break;
        default:
            fuse_reply(fd, in->unique, -ENOSYS, NULL, 0);
            break;
        }
    }
}

static int mode_fuseargv(const char* mnt, const char* readyPath)
{
    int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fd < 0)
        die("/dev/fuse");
    char opts[128];
    snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=0,group_id=0", fd);
    if (mount("stall", mnt, "fuse", MS_NOSUID | MS_NODEV, opts) != 0)
        die("mount fuse");
    pid_t server = fork();
    if (server < 0)
        die("fork");
    if (server == 0)
        fuse_serve(fd);
    close(fd);
    char path[4096];
    snprintf(path, sizeof path, "%s/argv", mnt);
    int file = open(path, O_RDONLY);
    if (file < 0)
        die(path);
    char* map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, file, 0);
    if (map == MAP_FAILED)
        die("mmap");
    close(file);
    if (prctl(PR_SET_MM, PR_SET_MM_ARG_START, (unsigned long)map, 0, 0) != 0
        || prctl(PR_SET_MM, PR_SET_MM_ARG_END, (unsigned long)map + 64, 0, 0) != 0)
        die("prctl(PR_SET_MM)");
    ready(readyPath);
    sleep_forever();
}

static int mode_cgns(char** argv)
{
    if (unshare(CLONE_NEWCGROUP) != 0)
        die("unshare(CLONE_NEWCGROUP)");
    execv(argv[0], argv);
    die(argv[0]);
    return 1;
}

static _Noreturn void mode_forkburn(void)
{
    for (;;) {
        pid_t pid = fork();
        if (pid < 0) {
            if (errno == EAGAIN || errno == ENOMEM)
                continue;
            die("fork");
        }
        if (pid == 0) {
            const unsigned long long until = monotonic_ns() + 1000000000ULL;
            volatile unsigned long x = 0;
            while (monotonic_ns() < until)
                x++;
            _exit(0);
        }
        while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) { }
    }
}

static int mode_argvfile(const char* path, const char* readyPath)
{
    static const char argv_text[] = "secret-argv-from-a-file\0second\0";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    if (fd < 0 || write(fd, argv_text, sizeof argv_text) != (ssize_t)sizeof argv_text)
        die(path);
    char* map = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED)
        die("mmap");
    close(fd);
    // The mapping lies below the stack, so the new start is below the old
    // end: set the start first to keep arg_start <= arg_end at every step.
    if (prctl(PR_SET_MM, PR_SET_MM_ARG_START, (unsigned long)map, 0, 0) != 0
        || prctl(PR_SET_MM, PR_SET_MM_ARG_END, (unsigned long)map + sizeof argv_text, 0, 0) != 0)
        die("prctl(PR_SET_MM)");
    ready(readyPath);
    sleep_forever();
}

static int usage(void)
{
    fprintf(
        stderr,
        "usage: wl spin|alloc|write|threads|name|family|forker|threadchurn|reads|fresh|pair|as|forkburn|argvfile|pause "
        "...\n");
    return 2;
}

int main(int argc, char** argv)
{
    if (argc < 2)
        return usage();
    const char* mode = argv[1];
    if (!strcmp(mode, "spin") && argc == 3)
        mode_spin(argv[2]);
    if (!strcmp(mode, "alloc") && argc == 4)
        return mode_alloc(atol(argv[2]), argv[3]);
    if (!strcmp(mode, "write") && argc == 5)
        return mode_write(argv[2], atol(argv[3]), argv[4]);
    if (!strcmp(mode, "threads") && argc == 4)
        return mode_threads(atoi(argv[2]), argv[3]);
    if (!strcmp(mode, "name") && argc >= 4)
        return mode_name(argv[2], argv[3]);
    if (!strcmp(mode, "family") && argc == 4)
        return mode_family(atoi(argv[2]), argv[3]);
    if (!strcmp(mode, "forker") && argc == 2)
        mode_forker();
    if (!strcmp(mode, "reads") && argc == 6)
        return mode_reads(argv[2], atol(argv[3]), atol(argv[4]), argv[5]);
    if (!strcmp(mode, "threadchurn") && argc == 2)
        mode_threadchurn();
    if (!strcmp(mode, "fresh") && argc == 3)
        return mode_fresh(argv[2], NULL, NULL);
    if (!strcmp(mode, "fresh") && argc == 5)
        return mode_fresh(argv[2], argv[3], argv[4]);
    if (!strcmp(mode, "pair") && argc == 5)
        return mode_pair(argv[2], argv[3], argv[4]);
    if (!strcmp(mode, "as") && argc >= 5)
        return mode_as((uid_t)atol(argv[2]), (gid_t)atol(argv[3]), argv + 4);
    if (!strcmp(mode, "spread") && argc == 6)
        return mode_spread(argv[2], atoi(argv[3]), atoi(argv[4]), argv[5]);
    if (!strcmp(mode, "fuseargv") && argc == 4)
        return mode_fuseargv(argv[2], argv[3]);
    if (!strcmp(mode, "cgns") && argc >= 3)
        return mode_cgns(argv + 2);
    if (!strcmp(mode, "forkburn") && argc == 2)
        mode_forkburn();
    if (!strcmp(mode, "argvfile") && argc == 4)
        return mode_argvfile(argv[2], argv[3]);
    if (!strcmp(mode, "pause") && argc == 2) {
        sleep_forever();
        return 0;
    }
    return usage();
}
