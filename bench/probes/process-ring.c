/*
 * What one wake-up of another task costs on this machine: a byte passed around a ring of K tasks
 * pinned to core 0, each blocking in read() until its turn, so every hop is one switch between tasks.
 * "processes" gives each task its own address space (as pgbench, a relay and PostgreSQL have);
 * "threads" shares one, which separates the address-space switch from the rest of the hop.
 *
 *   cc -O2 -pthread -o process-ring process-ring.c && ./process-ring processes 8 50000
 *
 * Prints microseconds per hop. ProxyBenchmark runs it beside the relays it measures.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_TASKS 64

static int pipes[MAX_TASKS][2];
static int tasks;
static long laps;

static void pin_to_core_0(void) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(0, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0) {
        perror("sched_setaffinity");
        exit(1);
    }
}

/* Task i (1..K-1): wait for the byte, pass it on. It inherits main's pinning, as threads and children do. */
static void *forward(void *arg) {
    long i = (long) arg;
    char c;
    for (long lap = 0; lap < laps; lap++) {
        if (read(pipes[i][0], &c, 1) != 1 || write(pipes[(i + 1) % tasks][1], &c, 1) != 1) {
            perror("forward");
            exit(1);
        }
    }
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 4 || (strcmp(argv[1], "processes") != 0 && strcmp(argv[1], "threads") != 0)) {
        fprintf(stderr, "usage: %s processes|threads TASKS LAPS\n", argv[0]);
        return 2;
    }
    int use_threads = strcmp(argv[1], "threads") == 0;
    tasks = atoi(argv[2]);
    laps = atol(argv[3]);
    if (tasks < 2 || tasks > MAX_TASKS || laps < 1) {
        fprintf(stderr, "TASKS must be 2..%d and LAPS positive\n", MAX_TASKS);
        return 2;
    }
    pin_to_core_0();
    for (int i = 0; i < tasks; i++) {
        if (pipe(pipes[i]) != 0) {
            perror("pipe");
            return 1;
        }
    }
    pthread_t threads[MAX_TASKS];
    for (long i = 1; i < tasks; i++) {
        if (use_threads) {
            pthread_create(&threads[i], NULL, forward, (void *) i);
        } else if (fork() == 0) {
            forward((void *) i);
            _exit(0);
        }
    }
    struct timespec start, end;
    char c = 'x';
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (long lap = 0; lap < laps; lap++) {
        if (write(pipes[1][1], &c, 1) != 1 || read(pipes[0][0], &c, 1) != 1) {
            perror("ring");
            return 1;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double micros = (end.tv_sec - start.tv_sec) * 1e6 + (end.tv_nsec - start.tv_nsec) / 1e3;
    printf("%.3f\n", micros / laps / tasks);
    if (use_threads) {
        for (int i = 1; i < tasks; i++) {
            pthread_join(threads[i], NULL);
        }
    } else {
        while (wait(NULL) > 0) {
        }
    }
    return 0;
}
