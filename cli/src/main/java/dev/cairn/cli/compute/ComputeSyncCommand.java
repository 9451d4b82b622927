package dev.cairn.cli.compute;

import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.proposer.ProposerDriver;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/**
 * {@code cairn compute sync}: a compute's first step on its own (DESIGN.md section 3): win an election,
 * make a quorum of safekeepers identical, print the end LSN, exit.
 */
@Command(name = "sync", mixinStandardHelpOptions = true,
        description = "Elect a proposer for a timeline, make a quorum of safekeepers identical, print the end LSN.")
final class ComputeSyncCommand implements Callable<Integer> {
    @Option(names = "--safekeepers", required = true, split = ",", description = "HOST:PORT of each safekeeper, comma-separated.")
    List<String> safekeepers;

    @Option(names = "--tenant", required = true, description = "Tenant id (32 hex digits).")
    String tenant;

    @Option(names = "--timeline", required = true, description = "Timeline id (32 hex digits).")
    String timeline;

    @Option(names = "--start-lsn", required = true, description = "Where the timeline's WAL starts (the pageserver's startLsn), e.g. 0/1500708.")
    String startLsn;

    @Option(names = "--timeout", defaultValue = "30", description = "Seconds to wait for a quorum (default ${DEFAULT-VALUE}).")
    long timeoutSeconds;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        TimelineKey key;
        Lsn start;
        try {
            key = new TimelineKey(Id128.parse(tenant), Id128.parse(timeline));
            start = Lsn.parse(startLsn);
            SafekeeperList.parse(safekeepers);
        } catch (RuntimeException e) {
            spec.commandLine().getErr().println("cairn compute sync: " + e.getMessage());
            return 2;
        }
        try (ProposerDriver proposer = new ProposerDriver(key, "sync-" + ProcessHandle.current().pid(),
                SafekeeperList.parse(safekeepers), start)) {
            proposer.start();
            Lsn end = proposer.sync(timeoutSeconds * 1000);
            spec.commandLine().getOut().println(end);
            return 0;
        } catch (TimeoutException e) {
            spec.commandLine().getErr().println("cairn compute sync: no quorum within " + timeoutSeconds + " s: " + e.getMessage());
            return 1;
        }
    }
}
