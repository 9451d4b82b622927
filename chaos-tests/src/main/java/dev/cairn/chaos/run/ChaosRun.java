package dev.cairn.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.chaos.checker.CheckResult;
import dev.cairn.chaos.cluster.ChaosCluster;
import dev.cairn.chaos.history.History;
import dev.cairn.chaos.nemesis.FaultEvent;
import dev.cairn.chaos.nemesis.Nemesis;
import dev.cairn.chaos.report.ReportWriter;
import dev.cairn.chaos.report.RunAnalysis;
import dev.cairn.chaos.report.RunReport;
import dev.cairn.chaos.report.TimelinePlot;
import dev.cairn.chaos.workload.AppendWorkload;
import dev.cairn.chaos.workload.BankWorkload;
import dev.cairn.chaos.workload.RegisterWorkload;
import dev.cairn.chaos.workload.Workload;
import dev.cairn.chaos.workload.WorkloadRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A whole chaos run: start the cluster as processes, set the workloads up, run them and the nemesis for the
 * configured time, heal, read the final state, check every history and write the results.
 */
public final class ChaosRun {
    private static final Logger LOG = LoggerFactory.getLogger(ChaosRun.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChaosRun() {
    }

    public static RunReport run(ChaosConfig config) throws IOException, InterruptedException {
        Files.createDirectories(config.out());
        ChaosCluster cluster = new ChaosCluster(config.cairn(), config.out().resolve("cluster"), config.basePort());
        // Ctrl-C must not leave a cluster of processes behind
        Thread stopOnExit = new Thread(cluster::close, "chaos-cluster-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            cluster.start(Duration.ofMinutes(5));
            Map<String, WorkloadRunner> runners = new LinkedHashMap<>();
            for (String name : new TreeSet<>(config.workloads())) {
                WorkloadRunner r = new WorkloadRunner(workload(name), cluster::connect, new History());
                r.setUp(Duration.ofMinutes(3));
                runners.put(name, r);
            }
            Nemesis nemesis = new Nemesis(cluster, config.nemeses(), config.seed(), config.gap(), config.hold());
            long start = System.nanoTime();
            long end = start + config.duration().toNanos();
            Thread faults = Thread.ofPlatform().name("nemesis").start(() -> {
                try {
                    nemesis.run(end);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            List<Thread> workloads = new ArrayList<>();
            for (WorkloadRunner r : runners.values()) {
                long seed = config.seed() * 1_000 + r.workload().name().hashCode();
                workloads.add(Thread.ofPlatform().name("run-" + r.workload().name()).start(() -> {
                    try {
                        r.run(config.clients(), config.duration(), seed);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
            }
            for (Thread t : workloads) {
                t.join();
            }
            nemesis.stop();
            faults.join(); // every fault is healed when the nemesis returns
            List<String> unrecovered = new ArrayList<>();
            for (WorkloadRunner r : runners.values()) {
                try {
                    r.finalReads(Duration.ofMinutes(3));
                } catch (IllegalStateException e) {
                    // the cluster did not come back after the faults were healed: a finding, not a crash
                    unrecovered.add(e.getMessage());
                    LOG.error("{}", e.getMessage());
                }
            }
            long runEnd = System.nanoTime();
            return report(config, runners, nemesis.events(), start, runEnd, unrecovered);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException exiting) {
                // the hook is stopping it
            }
            cluster.close();
        }
    }

    private static RunReport report(ChaosConfig config, Map<String, WorkloadRunner> runners, List<FaultEvent> faults,
                                    long start, long end, List<String> unrecovered) throws IOException {
        Map<String, History> histories = new LinkedHashMap<>();
        Map<String, CheckResult> results = new LinkedHashMap<>();
        for (var e : runners.entrySet()) {
            History h = e.getValue().history();
            h.write(config.out().resolve("history-" + e.getKey() + ".jsonl"));
            histories.put(e.getKey(), h);
            results.put(e.getKey(), e.getValue().workload().checker().check(h));
        }
        try (BufferedWriter w = Files.newBufferedWriter(config.out().resolve("faults.jsonl"))) {
            for (FaultEvent f : faults) {
                w.write(JSON.writeValueAsString(f));
                w.newLine();
            }
        }
        RunReport report = RunAnalysis.analyse(config.seed(), start, end,
                config.nemeses().stream().map(n -> n.name().toLowerCase()).sorted().toList(), histories, results, faults,
                unrecovered);
        ReportWriter.write(report, config.out());
        TimelinePlot.write(config.out().resolve("timeline.png"), start, end, histories, faults);
        LOG.info("chaos run done:\n{}", ReportWriter.text(report));
        return report;
    }

    static Workload workload(String name) {
        return switch (name) {
            case "bank" -> new BankWorkload(8, 100);
            case "append" -> new AppendWorkload(8);
            case "register" -> new RegisterWorkload(4);
            default -> throw new IllegalArgumentException("unknown workload " + name);
        };
    }
}
