package dev.cairn.local;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * {@code cairn local supervise}: the background process {@code local start} leaves behind. Starts the
 * components, creates the default tenant, timeline and endpoint, then restarts whatever dies until it gets
 * SIGTERM ({@code local stop}), when it stops them in reverse order.
 */
@Command(name = "supervise", hidden = true, description = "Run the local cluster's supervisor in the foreground.")
final class LocalSuperviseCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(LocalSuperviseCommand.class);

    @Mixin
    ClusterDirOption dirOption;

    @Override
    public Integer call() throws Exception {
        ClusterDir dir = dirOption.clusterDir();
        ClusterConfig config = ClusterConfig.read(dir.config());
        try (FileChannel lockFile = FileChannel.open(dir.supervisorLock(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                System.err.println("cairn local supervise: another supervisor runs for " + dir.root());
                return 1;
            }
            Files.writeString(dir.supervisorPid(), Long.toString(ProcessHandle.current().pid()));
            LocalTopology topology = new LocalTopology(config, dir);
            Supervisor supervisor = new Supervisor(dir, topology.components(), RestartBackoff.DEFAULT);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                LOG.info("stopping the cluster");
                supervisor.close();
                try {
                    Files.deleteIfExists(dir.supervisorPid());
                } catch (java.io.IOException ignored) {
                    // a stale pid file is recognised as such by the next start
                }
                stopped.countDown();
            }, "supervisor-stop"));
            try {
                supervisor.startAll(Duration.ofSeconds(90));
                new ClusterBootstrap(config, topology).ensureDefaults(Duration.ofSeconds(90));
                supervisor.markReady();
                LOG.info("cluster ready: {}", config.connectionUrl().replace(config.password(), "***"));
            } catch (Exception e) {
                LOG.error("the cluster did not come up", e);
                supervisor.markFailed(e.getMessage());
                System.exit(1); // runs the hook: stops what started
            }
            stopped.await();
            return 0;
        }
    }
}
