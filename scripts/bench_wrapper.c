/*
 * bench_wrapper.c: stands in for terraform-provider-acronis in the benchmark's dev_overrides
 * directory so that the harness (scripts/bench.py) can measure every provider process Terraform
 * starts. It runs the real binary ($BENCH_REAL_PROVIDER) as a child with the same arguments,
 * environment and stdio, forwards SIGINT/SIGTERM/SIGHUP/SIGQUIT to it, waits for it with wait4(2)
 * and appends one JSON line to $BENCH_PROVIDER_LOG:
 *
 *   {"pid":..,"utime_us":..,"stime_us":..,"maxrss_kib":..,"wall_us":..,"status":..}
 *
 * then exits as the child did. Overhead: one extra fork+exec of this small C program per provider
 * process (well under a millisecond), which is not counted in the child's numbers.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile pid_t child = 0;

static void forward(int sig) {
    if (child > 0) kill(child, sig);
}

static long long now_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

int main(int argc, char **argv) {
    const char *real = getenv("BENCH_REAL_PROVIDER");
    const char *log = getenv("BENCH_PROVIDER_LOG");
    (void)argc;
    if (!real || !*real) {
        fprintf(stderr, "bench_wrapper: BENCH_REAL_PROVIDER is not set\n");
        return 127;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = forward;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaction(sigs[i], &sa, NULL);

    long long start = now_us();
    pid_t pid = fork();
    if (pid < 0) {
        perror("bench_wrapper: fork");
        return 127;
    }
    if (pid == 0) {
        /* Default dispositions in the child (exec resets handlers, but be explicit). */
        for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], SIG_DFL);
        argv[0] = (char *)real;
        execv(real, argv);
        perror("bench_wrapper: exec");
        _exit(127);
    }
    child = pid;

    int status = 0;
    struct rusage ru;
    pid_t r;
    do {
        r = wait4(pid, &status, 0, &ru);
    } while (r < 0 && errno == EINTR);
    long long wall = now_us() - start;
    if (r < 0) {
        perror("bench_wrapper: wait4");
        return 127;
    }

    if (log && *log) {
        char line[512];
        int n = snprintf(line, sizeof line,
                         "{\"pid\":%d,\"utime_us\":%lld,\"stime_us\":%lld,\"maxrss_kib\":%ld,"
                         "\"wall_us\":%lld,\"status\":%d}\n",
                         (int)pid,
                         (long long)ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec,
                         (long long)ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec,
                         ru.ru_maxrss, wall, status);
        int fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
        if (fd >= 0) {
            /* One write with O_APPEND: lines from concurrent providers do not interleave. */
            ssize_t w = write(fd, line, (size_t)n);
            (void)w;
            close(fd);
        }
    }

    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) {
        int sig = WTERMSIG(status);
        signal(sig, SIG_DFL);
        raise(sig);
        return 128 + sig;
    }
    return 127;
}
