package dev.cairn.chaos.nemesis;

import dev.cairn.chaos.cluster.ChaosCluster;
import dev.cairn.chaos.net.FaultyRelay;
import dev.cairn.chaos.net.LinkFault;
import dev.cairn.pgruntime.RunningProcess;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Injects faults into a {@link ChaosCluster} on a schedule drawn from a seed: a healthy gap, then a fault
 * held for a while and healed; one step in three combines it with a second fault of another class at the
 * same time. Classes are taken in rounds (each round a seeded shuffle of every enabled class), so even a
 * short run injects each class at least once.
 */
public final class Nemesis {
    private static final Logger LOG = LoggerFactory.getLogger(Nemesis.class);

    /** In an {@link NemesisClass#ORPHAN} fault's target when the restarted manager left the old postgres running. */
    public static final String STILL_RUNS = "still runs";

    private final ChaosCluster cluster;
    private final List<NemesisClass> classes;
    private final Random random;
    private final List<FaultEvent> events = Collections.synchronizedList(new ArrayList<>());
    private final Duration gap;
    private final Duration hold;
    private volatile boolean stopped;

    /**
     * @param gap  healthy time between faults (each drawn between gap/2 and gap)
     * @param hold how long a fault lasts (each drawn between hold/2 and hold)
     */
    public Nemesis(ChaosCluster cluster, Set<NemesisClass> classes, long seed, Duration gap, Duration hold) {
        this.cluster = cluster;
        this.classes = new ArrayList<>(classes);
        this.random = new Random(seed);
        this.gap = gap;
        this.hold = hold;
    }

    public List<FaultEvent> events() {
        return List.copyOf(events);
    }

    /** Injects faults until {@code end} (nanoTime) or {@link #stop}; every fault is healed before returning. */
    public void run(long endNanos) throws InterruptedException {
        List<NemesisClass> round = new ArrayList<>();
        while (!stopped && System.nanoTime() < endNanos) {
            sleepUntil(Math.min(endNanos, System.nanoTime() + between(gap, random)));
            if (stopped || System.nanoTime() >= endNanos) {
                return;
            }
            if (round.isEmpty()) {
                round.addAll(classes);
                Collections.shuffle(round, random);
            }
            NemesisClass first = round.remove(0);
            if (classes.size() > 1 && random.nextInt(3) == 0) {
                // combined: a second, different fault at the same time
                List<NemesisClass> others = new ArrayList<>(classes);
                others.remove(first);
                NemesisClass second = others.get(random.nextInt(others.size()));
                long secondSeed = random.nextLong();
                Thread t = Thread.ofPlatform().name("nemesis-2").start(() -> {
                    try {
                        inject(second, new Random(secondSeed));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
                inject(first, random);
                t.join();
            } else {
                inject(first, random);
            }
        }
    }

    public void stop() {
        stopped = true;
    }

    /** One fault of class {@code c}, its choices drawn from {@code r} (each concurrent fault has its own). */
    private void inject(NemesisClass c, Random r) throws InterruptedException {
        long holdNanos = between(hold, r);
        switch (c) {
            case KILL -> kill(r);
            case PAUSE -> pause(holdNanos, r);
            case PARTITION -> partition(holdNanos, r);
            case ZOMBIE -> zombie(holdNanos);
            case KMS -> {
                if (r.nextBoolean()) {
                    revoke(holdNanos);
                } else {
                    outage(holdNanos);
                }
            }
            case ORPHAN -> orphan();
        }
    }

    private void kill(Random random) {
        String[] targets = {"safekeeper-1", "safekeeper-2", "safekeeper-3", "pageserver", "compute", "proxy"};
        String target = targets[random.nextInt(targets.length)];
        Optional<ProcessHandle> p = process(target);
        long t = System.nanoTime();
        p.ifPresent(h -> ChaosCluster.signal("KILL", h));
        record(new FaultEvent(NemesisClass.KILL, "sigkill", target + p.map(h -> " (pid " + h.pid() + ")").orElse(" (not running)"),
                t, t, target.startsWith("safekeeper")));
    }

    /**
     * Held until the restarted manager answers, which it does only after stopping the computes its
     * predecessor left; the event says whether the orphaned postgres is gone by then.
     */
    private void orphan() throws InterruptedException {
        Optional<ProcessHandle> manager = process("compute-manager");
        Optional<ProcessHandle> compute = cluster.compute();
        long t = System.nanoTime();
        manager.ifPresent(h -> ChaosCluster.signal("KILL", h));
        String outcome = "not running";
        if (manager.isPresent()) {
            manager.get().onExit().completeOnTimeout(null, 30, java.util.concurrent.TimeUnit.SECONDS).join();
            String back = cluster.awaitManager(Duration.ofSeconds(120)) ? "restarted" : "not back within 120 s";
            String left = compute.map(c -> "its compute (pid " + c.pid() + ") "
                    + (RunningProcess.isRunning(c.pid()) ? STILL_RUNS : "stopped")).orElse("no compute ran");
            outcome = "pid " + manager.get().pid() + ", " + back + "; " + left;
            if (left.endsWith(STILL_RUNS)) {
                LOG.error("orphaned compute: {}", outcome);
            }
        }
        record(new FaultEvent(NemesisClass.ORPHAN, "sigkill", "compute-manager (" + outcome + ")", t, System.nanoTime(),
                false));
    }

    private void pause(long holdNanos, Random random) throws InterruptedException {
        String[] targets = {"safekeeper-1", "safekeeper-2", "safekeeper-3", "pageserver"};
        String target = targets[random.nextInt(targets.length)];
        Optional<ProcessHandle> p = process(target);
        long t = System.nanoTime();
        p.ifPresent(h -> ChaosCluster.signal("STOP", h));
        try {
            sleepFor(holdNanos);
        } finally {
            p.ifPresent(h -> ChaosCluster.signal("CONT", h));
        }
        record(new FaultEvent(NemesisClass.PAUSE, "sigstop", target, t, System.nanoTime(), target.startsWith("safekeeper")));
    }

    private void partition(long holdNanos, Random random) throws InterruptedException {
        List<FaultyRelay> cut = new ArrayList<>();
        String kind;
        int first = 1 + random.nextInt(ChaosCluster.SAFEKEEPERS);
        switch (random.nextInt(3)) {
            case 0 -> {
                kind = "proposer-minority";
                cut.add(cluster.proposerLink(first));
            }
            case 1 -> {
                kind = "proposer-majority";
                cut.add(cluster.proposerLink(first));
                cut.add(cluster.proposerLink(first % ChaosCluster.SAFEKEEPERS + 1));
            }
            default -> {
                kind = "pageserver-safekeepers";
                for (int id = 1; id <= ChaosCluster.SAFEKEEPERS; id++) {
                    cut.add(cluster.ingestLink(id));
                }
            }
        }
        LinkFault fault = switch (random.nextInt(3)) {
            case 0 -> LinkFault.CUT;
            case 1 -> LinkFault.BLACKHOLE;
            default -> new LinkFault.OneWay(random.nextBoolean() ? LinkFault.Direction.CLIENT_TO_UPSTREAM
                    : LinkFault.Direction.UPSTREAM_TO_CLIENT);
        };
        long t = System.nanoTime();
        cut.forEach(r -> r.set(fault));
        try {
            sleepFor(holdNanos);
        } finally {
            cut.forEach(r -> r.set(LinkFault.PASS));
        }
        record(new FaultEvent(NemesisClass.PARTITION, kind + " " + fault, cut.stream().map(FaultyRelay::name).toList().toString(),
                t, System.nanoTime(), kind.equals("proposer-minority")));
    }

    private void zombie(long holdNanos) throws InterruptedException {
        long t = System.nanoTime();
        String outcome = "started";
        try {
            cluster.startZombie("zombie");
        } catch (RuntimeException e) {
            outcome = "refused: " + e.getMessage(); // e.g. the first compute won the race back at once
        }
        try {
            sleepFor(holdNanos);
        } finally {
            try {
                cluster.removeZombie("zombie");
            } catch (RuntimeException e) {
                LOG.warn("removing the zombie compute failed: {}", e.getMessage());
            }
        }
        record(new FaultEvent(NemesisClass.ZOMBIE, "second-compute", "timeline of endpoint main (" + outcome + ")",
                t, System.nanoTime(), false));
    }

    private void revoke(long holdNanos) throws InterruptedException {
        long t = System.nanoTime();
        cluster.setCmk(false);
        try {
            sleepFor(holdNanos);
        } finally {
            cluster.setCmk(true);
        }
        record(new FaultEvent(NemesisClass.KMS, "cmk-disabled", "tenant-" + cluster.tenant(), t, System.nanoTime(), false));
    }

    /** A transient KMS outage: within the key cache TTL nothing may notice. */
    private void outage(long holdNanos) throws InterruptedException {
        long t = System.nanoTime();
        try {
            cluster.setKmsOutage(true);
            sleepFor(holdNanos);
        } catch (java.io.IOException e) {
            LOG.warn("KMS outage not injected: {}", e.getMessage());
        } finally {
            try {
                cluster.setKmsOutage(false);
            } catch (java.io.IOException e) {
                LOG.error("KMS outage not healed: {}", e.getMessage());
            }
        }
        record(new FaultEvent(NemesisClass.KMS, "kms-outage", "local KMS", t, System.nanoTime(), false));
    }

    private Optional<ProcessHandle> process(String target) {
        try {
            return target.equals("compute") ? cluster.compute() : cluster.component(target);
        } catch (java.io.IOException e) {
            LOG.warn("cannot find {}: {}", target, e.getMessage());
            return Optional.empty();
        }
    }

    private void record(FaultEvent e) {
        events.add(e);
        LOG.info("fault {} {} on {} ({} ms)", e.nemesis(), e.kind(), e.target(), (e.endNanos() - e.startNanos()) / 1_000_000);
    }

    private static long between(Duration d, Random random) {
        long n = d.toNanos();
        return n / 2 + (long) (random.nextDouble() * (n / 2));
    }

    private static void sleepFor(long nanos) throws InterruptedException {
        Thread.sleep(Duration.ofNanos(nanos));
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            Thread.sleep(Duration.ofNanos(left));
        }
    }
}
