package dev.cairn.cli.chaos;

import dev.cairn.local.RunningJar;

import dev.cairn.chaos.nemesis.NemesisClass;
import dev.cairn.chaos.report.ReportWriter;
import dev.cairn.chaos.report.RunReport;
import dev.cairn.chaos.run.ChaosConfig;
import dev.cairn.chaos.run.ChaosRun;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code cairn chaos run --time 30m --nemesis all --workload all}. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Start a cluster of processes under --out, run workloads through the proxy while a nemesis injects",
                "faults, then check every history. Exit 0: no anomalies and the cluster served again after the faults;",
                "1: anomalies found, or the cluster did not recover; 2: bad arguments."})
final class ChaosRunCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(s|m|h)");

    @Option(names = "--time", defaultValue = "5m", description = "How long faults and workloads run: 90s, 30m, 2h (default ${DEFAULT-VALUE}).")
    String time;

    @Option(names = "--nemesis", defaultValue = "all", description = "all, or some of kill,pause,partition,zombie,kms,orphan (default ${DEFAULT-VALUE}).")
    String nemesis;

    @Option(names = "--workload", defaultValue = "all", description = "all, or some of bank,append,register (default ${DEFAULT-VALUE}).")
    String workload;

    @Option(names = "--seed", description = "Seed of the fault schedule and the clients (default: random, printed).")
    Long seed;

    @Option(names = "--clients", defaultValue = "4", description = "Concurrent clients per workload (default ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--gap", defaultValue = "10s", description = "Healthy time between faults, up to (default ${DEFAULT-VALUE}).")
    String gap;

    @Option(names = "--hold", defaultValue = "8s", description = "How long a fault lasts, up to (default ${DEFAULT-VALUE}).")
    String hold;

    /** Below Linux's ephemeral port range, as the local cluster's default is. */
    static final String DEFAULT_PORT = "26000";

    @Option(names = "--port", defaultValue = DEFAULT_PORT, description = "Proxy port of the run's cluster; the next 26 ports are used too (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--out", description = "Results directory (default: chaos-results/seed-SEED).")
    Path out;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        ChaosConfig config;
        try {
            long s = seed != null ? seed : new SecureRandom().nextLong() & Long.MAX_VALUE;
            Set<String> workloads = workload.equalsIgnoreCase("all") ? ChaosConfig.WORKLOADS : Set.of(workload.split(","));
            Path dir = out != null ? out : Path.of("chaos-results", "seed-" + s);
            if (Files.exists(dir.resolve("cluster"))) {
                throw new IllegalArgumentException("results directory " + dir + " holds an earlier run; pick another --out");
            }
            config = new ChaosConfig(cairnCommand(), dir.toAbsolutePath(), port, s, duration(time, "--time"),
                    NemesisClass.parse(nemesis), workloads, clients, duration(gap, "--gap"), duration(hold, "--hold"));
        } catch (IllegalArgumentException | IllegalStateException e) {
            err.println("cairn chaos run: " + e.getMessage());
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("chaos run: seed " + config.seed() + ", " + time + ", nemeses " + config.nemeses() + ", results in " + config.out());
        out.flush();
        RunReport report = ChaosRun.run(config);
        out.print(ReportWriter.text(report));
        out.println("results: " + config.out());
        out.flush();
        return report.passed() ? 0 : 1;
    }

    static Duration duration(String text, String option) {
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + " must look like 90s, 30m or 2h, got '" + text + "'");
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
    }

    /** The cluster's processes run from the same jar as this command. */
    private static List<String> cairnCommand() {
        Path self = RunningJar.locate("chaos run");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(RunningJar.JVM_OPTIONS);
        command.addAll(List.of("-jar", self.toString()));
        return List.copyOf(command);
    }
}
