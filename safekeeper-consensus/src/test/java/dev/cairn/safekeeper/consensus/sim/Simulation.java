package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.AcceptorMessage;
import dev.cairn.safekeeper.consensus.AcceptorMessage.Refusal;
import dev.cairn.safekeeper.consensus.AcceptorMessage.VoteResponse;
import dev.cairn.safekeeper.consensus.ProposerMessage;
import dev.cairn.safekeeper.consensus.ProposerMessage.AppendRequest;
import dev.cairn.safekeeper.consensus.ProposerPhase;
import dev.cairn.safekeeper.consensus.ProposerTransport;
import dev.cairn.safekeeper.consensus.RefusalReason;
import dev.cairn.safekeeper.consensus.StorageAction;
import dev.cairn.safekeeper.consensus.Step;
import dev.cairn.safekeeper.consensus.WalProposer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Deterministic simulation of acceptors and proposers under a seeded scheduler: messages are dropped,
 * duplicated, delayed and so reordered; acceptors crash (losing unflushed WAL, keeping a random part of
 * it) and restart; proposers (computes) die and new ones campaign. The invariants are checked after
 * every event; a failure throws {@link InvariantViolation} naming the seed and step.
 */
public final class Simulation {

    public record Config(int acceptors, int proposerSlots, int steps, double drop, double duplicate, double reorder,
                         int maxDelay, double acceptorCrash, double acceptorRestart, double proposerCrash, double campaign,
                         double walRate, int tickEvery, long maxBufferBytes) {
        public static Config standard() {
            return new Config(3, 2, 1200, 0.05, 0.03, 0.1, 6, 0.01, 0.05, 0.002, 0.05, 0.4, 3, 2048);
        }

        public Config withAcceptors(int n) {
            return new Config(n, proposerSlots, steps, drop, duplicate, reorder, maxDelay, acceptorCrash, acceptorRestart,
                    proposerCrash, campaign, walRate, tickEvery, maxBufferBytes);
        }

        public Config withProposerSlots(int n) {
            return new Config(acceptors, n, steps, drop, duplicate, reorder, maxDelay, acceptorCrash, acceptorRestart,
                    proposerCrash, campaign, walRate, tickEvery, maxBufferBytes);
        }
    }

    /** Builds a proposer; tests substitute buggy variants. */
    @FunctionalInterface
    public interface ProposerFactory {
        WalProposer create(WalProposer.Config config, ProposerTransport transport);
    }

    /** What a run did, to show the simulation is not vacuous. */
    public record Result(long seed, long committedBytes, int leaders, int fenced, int crashes, long truncatedBytes,
                         long recoveryReads, Map<RefusalReason, Integer> refusals) {
    }

    private record Packet(long at, long seq, int acceptor, int incarnation, boolean toAcceptor, Object message) {
    }

    static final Lsn TIMELINE_START = Lsn.of(0x100_0000L);

    private final long seed;
    private final Config cfg;
    private final ProposerFactory factory;
    private final Random rng;
    private final SimAcceptor[] acceptors;
    private final SimProposer[] slots;
    private final Map<Integer, SimProposer> byIncarnation = new HashMap<>();
    private final PriorityQueue<Packet> network = new PriorityQueue<>((a, b) -> a.at != b.at
            ? Long.compare(a.at, b.at) : Long.compare(a.seq, b.seq));
    private final CommittedLog oracle = new CommittedLog(TIMELINE_START);
    private final Map<Long, Integer> termOwner = new HashMap<>();
    private final Map<Long, Long> linkTail = new HashMap<>();
    private final Map<String, byte[]> voteSnapshots = new HashMap<>();
    private final int[] lastAppender;
    private final Map<RefusalReason, Integer> refusals = new HashMap<>();
    private long now;
    private long seq;
    private int incarnations;
    private int leaders;
    private int fenced;
    private int crashes;
    private long truncatedBytes;
    private long recoveryReads;

    public Simulation(long seed, Config cfg, ProposerFactory factory) {
        this.seed = seed;
        this.cfg = cfg;
        this.factory = factory;
        this.rng = new Random(seed);
        this.acceptors = new SimAcceptor[cfg.acceptors()];
        this.lastAppender = new int[cfg.acceptors()];
        for (int i = 0; i < acceptors.length; i++) {
            acceptors[i] = new SimAcceptor(i);
        }
        this.slots = new SimProposer[cfg.proposerSlots()];
    }

    public static Result run(long seed, Config cfg, ProposerFactory factory) {
        return new Simulation(seed, cfg, factory).run();
    }

    public Result run() {
        for (now = 0; now < cfg.steps(); now++) {
            deliverDue();
            groupCommits();
            faults();
            drivePropsers();
        }
        return new Result(seed, oracle.length(), leaders, fenced, crashes, truncatedBytes, recoveryReads, Map.copyOf(refusals));
    }

    // ------------------------------------------------------------------ network

    private void send(Packet p) {
        if (network.size() > 50_000) {
            fail("message storm: " + network.size() + " messages in flight");
        }
        if (rng.nextDouble() < cfg.drop()) {
            return;
        }
        network.add(p);
        if (rng.nextDouble() < cfg.duplicate()) {
            network.add(new Packet(now + 1 + rng.nextInt(cfg.maxDelay() * 2), seq++, p.acceptor, p.incarnation,
                    p.toAcceptor, p.message));
        }
    }

    private void toAcceptor(int incarnation, int acceptor, ProposerMessage m) {
        send(new Packet(deliveryTime(incarnation, acceptor, true), seq++, acceptor, incarnation, true, m));
    }

    private void toProposer(int acceptor, int incarnation, AcceptorMessage m) {
        send(new Packet(deliveryTime(incarnation, acceptor, false), seq++, acceptor, incarnation, false, m));
    }

    /** Random delay; a link mostly keeps order (like a stream), but sometimes a message overtakes. */
    private long deliveryTime(int incarnation, int acceptor, boolean toAcceptor) {
        long at = now + 1 + rng.nextInt(cfg.maxDelay());
        if (rng.nextDouble() < cfg.reorder()) {
            return at;
        }
        long link = ((long) incarnation << 32) | ((long) acceptor << 1) | (toAcceptor ? 1 : 0);
        at = Math.max(at, linkTail.getOrDefault(link, 0L));
        linkTail.put(link, at);
        return at;
    }

    private void deliverDue() {
        while (!network.isEmpty() && network.peek().at <= now) {
            Packet p = network.poll();
            if (p.toAcceptor) {
                deliverToAcceptor(p);
            } else {
                SimProposer sp = byIncarnation.get(p.incarnation);
                if (sp != null) {
                    sp.proposer.receive(p.acceptor, (AcceptorMessage) p.message);
                    afterProposerEvent(sp);
                }
            }
        }
    }

    private void deliverToAcceptor(Packet p) {
        SimAcceptor a = acceptors[p.acceptor];
        if (!a.up()) {
            return;
        }
        ProposerMessage m = (ProposerMessage) p.message;
        Lsn before = a.wal.writeEnd();
        Step step = a.acceptor().handle(m);
        for (StorageAction act : step.actions()) {
            if (act instanceof StorageAction.TruncateWal t && a.wal.start().isValid() && t.end().isBefore(before)) {
                truncatedBytes += before.minus(t.end());
            }
            if (act instanceof StorageAction.ReadWal) {
                recoveryReads++;
            }
        }
        AcceptorMessage reply = a.apply(step);
        if (m instanceof AppendRequest ar && reply == null) {
            Integer owner = termOwner.putIfAbsent(ar.term(), p.incarnation);
            if (owner != null && owner != p.incarnation) {
                fail("acceptor " + a.id + " accepted appends in term " + ar.term() + " from proposer#" + p.incarnation
                        + " after proposer#" + owner);
            }
            lastAppender[a.id] = p.incarnation;
        }
        if (reply instanceof VoteResponse v && v.granted()) {
            voteSnapshots.put(a.id + "/" + v.term(), a.wal.durableBytes());
        }
        if (reply instanceof Refusal r) {
            refusals.merge(r.reason(), 1, Integer::sum);
        }
        if (reply != null) {
            toProposer(a.id, p.incarnation, reply);
        }
        checkAcceptor(a);
        if (m instanceof ProposerMessage.Elected) {
            checkQuorumHoldsCommitted();
        }
    }

    // ------------------------------------------------------------------ acceptor events

    private void groupCommits() {
        for (SimAcceptor a : acceptors) {
            if (!a.up()) {
                continue;
            }
            if (a.acceptor().flushPending() && rng.nextDouble() < 0.5) {
                AcceptorMessage reply = a.apply(a.acceptor().flush());
                if (reply != null) {
                    toProposer(a.id, lastAppender[a.id], reply);
                }
                checkAcceptor(a);
            }
            if (rng.nextDouble() < 0.05) {
                a.apply(a.acceptor().checkpoint());
                checkAcceptor(a);
            }
        }
    }

    private void faults() {
        if (rng.nextDouble() < cfg.acceptorCrash()) {
            SimAcceptor a = acceptors[rng.nextInt(acceptors.length)];
            if (a.up()) {
                a.crash(rng);
                crashes++;
                checkAcceptor(a);
            }
        }
        for (SimAcceptor a : acceptors) {
            if (!a.up() && rng.nextDouble() < cfg.acceptorRestart()) {
                a.restart();
                checkAcceptor(a);
            }
        }
    }

    // ------------------------------------------------------------------ proposer events

    private void drivePropsers() {
        for (int s = 0; s < slots.length; s++) {
            SimProposer sp = slots[s];
            if (sp == null) {
                if (rng.nextDouble() < cfg.campaign()) {
                    slots[s] = startProposer();
                }
                continue;
            }
            WalProposer wp = sp.proposer;
            if (wp.phase() == ProposerPhase.FENCED || rng.nextDouble() < cfg.proposerCrash()) {
                if (wp.phase() == ProposerPhase.FENCED) {
                    fenced++;
                }
                byIncarnation.remove(sp.incarnation);
                slots[s] = null;
                continue;
            }
            if (wp.phase() == ProposerPhase.IDLE && rng.nextDouble() < cfg.campaign()) {
                wp.campaign();
            } else if (wp.phase() == ProposerPhase.CAMPAIGNING && rng.nextDouble() < cfg.campaign() / 10) {
                wp.campaign(); // give up on a stuck campaign, try a higher term
            } else if (wp.phase() == ProposerPhase.LEADING && rng.nextDouble() < cfg.walRate()) {
                byte[] data = new byte[8 + rng.nextInt(57)];
                rng.nextBytes(data);
                wp.appendWal(data);
                sp.generated(data);
            }
            if (now % cfg.tickEvery() == s % cfg.tickEvery()) {
                wp.tick();
            }
            afterProposerEvent(sp);
        }
    }

    private SimProposer startProposer() {
        int incarnation = ++incarnations;
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < acceptors.length; i++) {
            ids.add(i);
        }
        WalProposer.Config c = new WalProposer.Config("p" + incarnation, ids, TIMELINE_START, 96, 512,
                cfg.maxBufferBytes(), 4);
        WalProposer wp = factory.create(c, (acceptor, m) -> toAcceptor(incarnation, acceptor, m));
        SimProposer sp = new SimProposer(incarnation, wp);
        byIncarnation.put(incarnation, sp);
        wp.campaign();
        return sp;
    }

    private void afterProposerEvent(SimProposer sp) {
        WalProposer wp = sp.proposer;
        if (wp.phase() == ProposerPhase.LEADING && !sp.based()) {
            leaders++;
            int baseLength = (int) wp.termStartLsn().minus(TIMELINE_START);
            byte[] donorWal = voteSnapshots.get(wp.donor() + "/" + wp.term());
            if (donorWal == null || donorWal.length < baseLength) {
                fail(sp + " elected on donor " + wp.donor() + " whose voted WAL is unknown or shorter than " + wp.termStartLsn());
            }
            sp.base(donorWal, baseLength);
        }
        Lsn commit = wp.commitLsn();
        if (commit.isBefore(sp.acknowledged)) {
            fail(sp + " commit LSN went back from " + sp.acknowledged + " to " + commit);
        }
        if (commit.isAfter(sp.acknowledged) && commit.isAfter(TIMELINE_START)) {
            String problem = oracle.acknowledge(sp.toString(), sp.log(), sp.logLength(), commit);
            if (problem != null) {
                fail(problem);
            }
            sp.acknowledged = commit;
            checkQuorumHoldsCommitted();
        }
    }

    // ------------------------------------------------------------------ invariants

    /** Each acceptor's WAL up to its commit LSN is the committed log; it claims nothing beyond it. */
    private void checkAcceptor(SimAcceptor a) {
        Lsn commit = a.commitLsn();
        if (!commit.isAfter(TIMELINE_START)) {
            return;
        }
        if (commit.isAfter(oracle.end())) {
            fail("acceptor " + a.id + " claims commit " + commit + " beyond anything acknowledged (" + oracle.end() + ")");
        }
        int n = (int) commit.minus(TIMELINE_START);
        if (!a.wal.durablyHolds(TIMELINE_START, oracle.bytes(), n)) {
            fail("acceptor " + a.id + " WAL diverges from committed WAL below its commit LSN " + commit
                    + " (durable end " + a.wal.durableEnd() + ")");
        }
    }

    /** A majority holds every acknowledged byte durably, at every moment. */
    private void checkQuorumHoldsCommitted() {
        int n = oracle.length();
        if (n == 0) {
            return;
        }
        int holding = 0;
        for (SimAcceptor a : acceptors) {
            if (a.wal.durablyHolds(TIMELINE_START, oracle.bytes(), n)) {
                holding++;
            }
        }
        if (holding < acceptors.length / 2 + 1) {
            fail("only " + holding + " of " + acceptors.length + " acceptors hold the committed WAL up to " + oracle.end());
        }
    }

    private void fail(String what) {
        throw new InvariantViolation("seed " + seed + " step " + now + ": " + what);
    }
}
