package dev.cairn.local;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code cairn local status}: each component's pid, port and state from the supervisor, and what the
 * running services report themselves (safekeeper flush/commit LSNs, the pageserver's ingested LSN,
 * endpoint states).
 */
@Command(name = "status", mixinStandardHelpOptions = true, description = "Show the local cluster's components and LSNs.")
final class LocalStatusCommand implements Callable<Integer> {
    @Mixin
    ClusterDirOption dirOption;

    @Option(names = "--json", description = "Machine-readable output.")
    boolean json;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterDir dir = dirOption.clusterDir();
        if (!Files.exists(dir.config())) {
            err.println("cairn local status: no cluster in " + dir.root() + " (start one with `cairn local start`)");
            return 3;
        }
        ClusterConfig config = ClusterConfig.read(dir.config());
        Optional<ProcessHandle> supervisor = SupervisorProcess.find(dir);
        SupervisorState state = supervisor.isPresent() && Files.exists(dir.state()) ? SupervisorState.read(dir.state()) : null;
        ObjectNode report = ClusterConfig.JSON.createObjectNode();
        report.put("dir", dir.root().toString());
        report.put("running", supervisor.isPresent());
        report.put("ready", state != null && state.ready());
        if (supervisor.isPresent()) {
            report.put("supervisorPid", supervisor.get().pid());
        }
        report.put("url", config.connectionUrl());
        report.put("tenant", config.tenant());
        report.put("timeline", config.timeline());
        ObjectNode metrics = report.putObject("metrics");
        new LocalTopology(config, dir).metricsUrls().forEach((name, url) -> metrics.put(name, url.toString()));
        ArrayNode components = report.putArray("components");
        if (state != null) {
            for (ComponentStatus c : state.components()) {
                components.add(ClusterConfig.JSON.valueToTree(c));
            }
            new ClusterProbe(config, new LocalTopology(config, dir)).addLiveDetails(report);
        }
        if (json) {
            out.println(ClusterConfig.JSON.writeValueAsString(report));
        } else {
            StatusText.print(report, out);
        }
        out.flush();
        return supervisor.isPresent() ? 0 : 3;
    }
}
