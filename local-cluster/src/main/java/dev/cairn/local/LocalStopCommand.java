package dev.cairn.local;

import dev.cairn.compute.ComputeRecord;
import dev.cairn.compute.OrphanedComputes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code cairn local stop}: stops the supervisor, which stops every component (computes are suspended first),
 * then whatever a killed supervisor or compute manager left running.
 */
@Command(name = "stop", mixinStandardHelpOptions = true, description = "Stop the local cluster (data is kept).")
final class LocalStopCommand implements Callable<Integer> {
    @Mixin
    ClusterDirOption dirOption;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ClusterDir dir = dirOption.clusterDir();
        Optional<ProcessHandle> supervisor = SupervisorProcess.find(dir);
        if (supervisor.isPresent()) {
            out.println("Stopping Cairn in " + dir.root() + " (supervisor pid " + supervisor.get().pid() + ")...");
            out.flush();
            supervisor.get().destroy();
            try {
                supervisor.get().onExit().get(120, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                err.println("cairn local stop: the supervisor did not stop within 120 s; killing it and its components");
                supervisor.get().destroyForcibly();
            }
        }
        List<ProcessHandle> orphans = SupervisorProcess.orphans(dir);
        for (ProcessHandle p : orphans) {
            err.println("stopping leftover component pid " + p.pid());
            p.destroy();
            if (!p.onExit().completeOnTimeout(p, 30, TimeUnit.SECONDS).get().isAlive()) {
                continue;
            }
            p.destroyForcibly();
        }
        // a manager that was dead at this moment (SIGKILLed, between restarts) left its computes running
        List<ComputeRecord> computes = Files.exists(dir.config())
                ? OrphanedComputes.stopAll(new LocalTopology(ClusterConfig.read(dir.config()), dir).computeManagerData())
                : List.of();
        for (ComputeRecord c : computes) {
            err.println("stopped the leftover compute of endpoint " + c.endpoint() + " and deleted its state " + c.stateDir());
        }
        if (supervisor.isEmpty() && orphans.isEmpty() && computes.isEmpty()) {
            out.println("Cairn is not running in " + dir.root() + ".");
        } else {
            out.println("Stopped. Data is kept in " + dir.root() + "; `cairn local start` brings it back.");
        }
        return 0;
    }
}
