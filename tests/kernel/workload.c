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
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

static int usage(void)
{
    fprintf(stderr, "usage: wl spin|alloc|write|threads|name|family|forker|threadchurn|reads|pause ...\n");
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
    if (!strcmp(mode, "pause") && argc == 2) {
        sleep_forever();
        return 0;
    }
    return usage();
}
