package dev.cairn.bench;

import dev.cairn.pgruntime.PgBinaries;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.proxy.ProxyConfig;
import dev.cairn.proxy.ProxyServer;
import dev.cairn.proxy.tls.TlsContexts;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Proxy overhead: pgbench select-only straight to stock PostgreSQL, through the proxy (plaintext and TLS from
 * the client, each relayed in user space), and through the peer PgBouncer
 * (session mode, plaintext and TLS) in the same run; reports the TPS ratios, each relay's CPU per
 * transaction and the whole machine's, the machine's context switches per transaction, and what one switch
 * between processes costs here ({@link TaskSwitchProbe}): a relay in a process adds two to every transaction.
 * Two layouts: every process on all cores, as on one small host; then the database on core 0 and the relay on
 * core 1, as a proxy tier of its own.
 * PostgreSQL's shared buffers sit in huge pages where the kernel has them ({@link HugePages}), so fresh
 * connections reach their steady rate within seconds.
 */
final class ProxyBenchmark {
    private static final Workload WARM_UP = Workload.select(3, 4);
    private static final int DEFAULT_ROUNDS = 3;
    /** shared: every process on both cores; split: the database on core 0, the relay on core 1. */
    private static final List<String> LAYOUTS = List.of("shared", "split");
    /** Holds the whole scale-10 database (160 MB), so the workload reads from memory. */
    private static final int SHARED_BUFFERS_MB = 256;

    /**
     * pgbench's arguments, and the second of the run after which its throughput counts (fresh connections
     * take seconds to reach their steady rate).
     */
    private record Workload(List<String> args, int steadyFrom) {
        /** pgbench select-only for {@code seconds}, reporting every second; its second half counts. */
        static Workload select(int seconds, int clients) {
            return new Workload(List.of("-n", "-S", "-c", Integer.toString(clients), "-j", "2",
                    "-T", Integer.toString(seconds), "-P", "1"), seconds / 2);
        }
    }

    private ProxyBenchmark() {
    }

    static void run(Path resultsDir, Path scratch, String[] args) throws Exception {
        int seconds = 16;
        int clients = 4;
        int rounds = DEFAULT_ROUNDS;
        int eventLoops = ProxyConfig.defaultEventLoops();
        List<String> layouts = LAYOUTS;
        for (int i = 1; i < args.length - 1; i++) {
            if (args[i].equals("--seconds")) {
                seconds = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--clients")) {
                clients = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--event-loops")) {
                eventLoops = Integer.parseInt(args[i + 1]);
            } else if (args[i].equals("--layouts")) {
                layouts = List.of(args[i + 1].split(","));
            }
        }
        if (layouts.isEmpty() || !LAYOUTS.containsAll(layouts)) {
            throw new IllegalArgumentException("--layouts takes a comma-separated subset of " + LAYOUTS + ", not " + layouts);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("benchmark", "proxy-overhead");
        result.put("time", Instant.now().toString());
        result.put("workload", "pgbench -S -c " + clients + " -j 2 -T " + seconds + ", scale 10, fresh connections each run, "
                + rounds + " rounds");
        // before anything else runs: what a wake-up of another process costs here (the relays add two a transaction)
        result.putAll(TaskSwitchProbe.measure(Path.of("bench", "probes"), scratch, TaskSwitchProbe.HOPS));
        Workload run = Workload.select(seconds, clients);
        result.put("tps_over", "the last " + (seconds - run.steadyFrom()) + " s of each run (steady state: new backends warm"
                + " up for seconds); CPU per transaction over the whole run");
        try (PgCluster pg = PgCluster.initdb(PgBinaries.locate(), scratch.resolve("data"), List.of())) {
            // shared buffers in huge pages where the kernel has them (bench/run reserves them): see HugePages
            boolean hugePages = HugePages.freeBytes() >= SHARED_BUFFERS_MB * 1.1 * (1 << 20);
            pg.start(Map.of("fsync", "off", "max_connections", "120", "shared_buffers", SHARED_BUFFERS_MB + "MB",
                    "huge_pages", hugePages ? "on" : "off"));
            result.put("huge_pages", hugePages);
            String direct = "host=127.0.0.1 port=" + pg.port() + " dbname=postgres user=postgres";
            Pgbench.run(pg.binaries(), List.of("-i", "-q", "-s", "10"), direct);

            try (ProxyServer proxy = BenchProxy.start(pg.port(), 100, eventLoops)) {
                String via = BenchProxy.conninfo(proxy);
                Pgbench.run(pg.binaries(), WARM_UP.args(), direct); // warm-up
                Pgbench.run(pg.binaries(), WARM_UP.args(), via + " sslmode=disable");
                result.put("transport", proxy.transportName());
                result.put("proxy_event_loops", eventLoops);
                result.put("tls_provider", TlsContexts.provider().name());
                result.put("goal_ratio", 0.9);
                // every process on both cores: the relay takes its CPU from pgbench and PostgreSQL
                if (layouts.contains("shared")) {
                    result.putAll(measure(pg, run, rounds, direct, via, scratch, null, null, ""));
                }
                // the database (pgbench + PostgreSQL) on core 0, the relay (this JVM's proxy, or PgBouncer) on
                // core 1: a proxy tier runs on machines of its own, so this is the overhead a deployment sees
                if (layouts.contains("split")) {
                    CorePinning.pin(ProcessHandle.current(), "1");
                    CorePinning.pin(pg.postmaster().orElseThrow(), "0");
                    try {
                        result.putAll(measure(pg, run, rounds, direct, via, scratch, "0", "1", "split_"));
                    } finally {
                        CorePinning.pin(ProcessHandle.current(), "0-1");
                        CorePinning.pin(pg.postmaster().orElseThrow(), "0-1");
                    }
                }
            }
        }
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        BenchResults.writeAndPrint(resultsDir, "proxy-overhead.json", result);
    }

    /**
     * Direct, through the proxy (plaintext and TLS) and through PgBouncer, with pgbench on {@code dbCores}
     * and PgBouncer on {@code relayCores} (null: anywhere); keys carry {@code prefix}. {@code rounds} rounds,
     * each running every configuration back to back; each figure is the median over the rounds (a ratio:
     * the median of the rounds' ratios), with the rounds' values beside it: on this machine one run's
     * throughput can be off by a third.
     */
    private static Map<String, Object> measure(PgCluster pg, Workload run, int rounds, String direct, String via, Path scratch,
                                               String dbCores, String relayCores, String prefix) throws Exception {
        Map<String, List<Double>> byRound = new LinkedHashMap<>();
        ProcessHandle proxy = ProcessHandle.current(); // the proxy runs in this JVM
        try (Pgbouncer bouncer = Pgbouncer.installed() ? Pgbouncer.start(scratch.resolve(prefix + "pgbouncer"), pg.port(), 200) : null) {
            String viaBouncer = null;
            if (bouncer != null) {
                if (relayCores != null) {
                    CorePinning.pin(bouncer.process(), relayCores);
                }
                viaBouncer = "host=127.0.0.1 port=" + bouncer.port() + " dbname=postgres user=postgres";
                Pgbench.run(pg.binaries(), WARM_UP.args(), viaBouncer + " sslmode=disable", dbCores);
            }
            for (int round = 0; round < rounds; round++) {
                Relayed straight = Relayed.measure(null, pg, run, direct + " sslmode=disable", dbCores);
                double directTps = straight.tps();
                add(byRound, "direct_tps", directTps);
                add(byRound, "direct_machine_cpu_us_per_tx", straight.machineCpuMicrosPerTransaction());
                add(byRound, "direct_context_switches_per_tx", straight.contextSwitchesPerTransaction());
                // plaintext keys keep their "userspace" names, so older results files compare key for key
                Relayed userSpace = Relayed.measure(proxy, pg, run, via + " sslmode=disable", dbCores);
                Relayed tls = Relayed.measure(proxy, pg, run, via + " sslmode=require", dbCores);
                add(byRound, "proxy_userspace_tps", userSpace.tps());
                add(byRound, "proxy_tls_tps", tls.tps());
                add(byRound, "ratio_proxy_userspace_over_direct", userSpace.tps() / directTps);
                add(byRound, "ratio_proxy_tls_over_direct", tls.tps() / directTps);
                add(byRound, "proxy_userspace_cpu_us_per_tx", userSpace.cpuMicrosPerTransaction());
                add(byRound, "proxy_tls_cpu_us_per_tx", tls.cpuMicrosPerTransaction());
                add(byRound, "proxy_userspace_machine_cpu_us_per_tx", userSpace.machineCpuMicrosPerTransaction());
                add(byRound, "proxy_tls_machine_cpu_us_per_tx", tls.machineCpuMicrosPerTransaction());
                // every core's switches: a relay in a process adds two wake-ups of it per transaction
                add(byRound, "proxy_userspace_context_switches_per_tx", userSpace.contextSwitchesPerTransaction());
                // with both cores busy, throughput is the inverse of machine CPU per transaction: the ratio the
                // extra CPU alone allows, whatever the scheduling did in this round
                add(byRound, "cpu_bound_ratio_proxy_userspace_over_direct", straight.cpuBoundRatioOf(userSpace));
                if (bouncer == null) {
                    continue;
                }
                // the peer: the same relaying and TLS termination by PgBouncer, in the same round
                Relayed bouncerPlain = Relayed.measure(bouncer.process(), pg, run, viaBouncer + " sslmode=disable", dbCores);
                Relayed bouncerTls = Relayed.measure(bouncer.process(), pg, run, viaBouncer + " sslmode=require", dbCores);
                add(byRound, "peer_pgbouncer_tps", bouncerPlain.tps());
                add(byRound, "peer_pgbouncer_tls_tps", bouncerTls.tps());
                add(byRound, "ratio_pgbouncer_over_direct", bouncerPlain.tps() / directTps);
                add(byRound, "ratio_pgbouncer_tls_over_direct", bouncerTls.tps() / directTps);
                add(byRound, "ratio_proxy_userspace_over_pgbouncer", userSpace.tps() / bouncerPlain.tps());
                add(byRound, "ratio_proxy_tls_over_pgbouncer_tls", tls.tps() / bouncerTls.tps());
                add(byRound, "pgbouncer_cpu_us_per_tx", bouncerPlain.cpuMicrosPerTransaction());
                add(byRound, "pgbouncer_machine_cpu_us_per_tx", bouncerPlain.machineCpuMicrosPerTransaction());
                add(byRound, "pgbouncer_context_switches_per_tx", bouncerPlain.contextSwitchesPerTransaction());
                add(byRound, "cpu_bound_ratio_pgbouncer_over_direct", straight.cpuBoundRatioOf(bouncerPlain));
                add(byRound, "pgbouncer_tls_cpu_us_per_tx", bouncerTls.cpuMicrosPerTransaction());
            }
        }
        Map<String, Object> r = new LinkedHashMap<>();
        if (!Pgbouncer.installed()) {
            r.put(prefix + "peer_pgbouncer", "not installed (" + Pgbouncer.BINARY + "): apt-get install pgbouncer");
        }
        byRound.forEach((key, values) -> {
            r.put(prefix + key, median(values));
            r.put(prefix + key + "_rounds", values);
        });
        return r;
    }

    private static void add(Map<String, List<Double>> byRound, String key, double value) {
        byRound.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * One pgbench run, direct or through a relay: its throughput, the relay process's CPU time per
     * transaction (its own cost, which the TPS ratio mixes with how the machine schedules everything else),
     * and the whole machine's, which also holds what the kernel does on the relay's behalf.
     */
    private record Relayed(double tps, double cpuMicrosPerTransaction, double machineCpuMicrosPerTransaction,
                           double contextSwitchesPerTransaction) {
        /** This (direct) run's machine CPU per transaction over {@code relayed}'s. */
        double cpuBoundRatioOf(Relayed relayed) {
            return machineCpuMicrosPerTransaction / relayed.machineCpuMicrosPerTransaction;
        }

        /** {@code relay} null: a direct run, no relay process. */
        static Relayed measure(ProcessHandle relay, PgCluster pg, Workload run, String conninfo, String cores) {
            Duration before = relay == null ? Duration.ZERO : ProcessCpu.of(relay);
            MachineCpu machineBefore = MachineCpu.now();
            String out = Pgbench.run(pg.binaries(), run.args(), conninfo, cores);
            MachineCpu machine = MachineCpu.now().since(machineBefore);
            Duration used = relay == null ? Duration.ZERO : ProcessCpu.of(relay).minus(before);
            long transactions = Pgbench.transactions(out);
            return new Relayed(Pgbench.steadyTps(out, run.steadyFrom()), used.toNanos() / 1000.0 / transactions,
                    machine.busy().toNanos() / 1000.0 / transactions, (double) machine.contextSwitches() / transactions);
        }
    }
}
