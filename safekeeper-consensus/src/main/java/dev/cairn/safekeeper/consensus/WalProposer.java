package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.AcceptorMessage.AppendResponse;
import dev.cairn.safekeeper.consensus.AcceptorMessage.Refusal;
import dev.cairn.safekeeper.consensus.AcceptorMessage.VoteResponse;
import dev.cairn.safekeeper.consensus.AcceptorMessage.WalData;
import dev.cairn.safekeeper.consensus.ProposerMessage.AppendRequest;
import dev.cairn.safekeeper.consensus.ProposerMessage.Elected;
import dev.cairn.safekeeper.consensus.ProposerMessage.ReadRequest;
import dev.cairn.safekeeper.consensus.ProposerMessage.VoteRequest;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The proposer side of the consensus for one timeline, as a state machine: inputs are
 * {@link #campaign()}, {@link #receive}, {@link #appendWal} and {@link #tick()}; outputs go through the
 * {@link ProposerTransport}. No I/O or clock here. Not thread-safe: one caller feeds it.
 *
 * <p>Election: votes for a term above every term seen; with a quorum of votes the most advanced log by
 * (last log term, flush LSN) is the base, the term starts where it ends, and each acceptor is told to
 * truncate at its highest common point with that base. Lagging acceptors are caught up from the
 * proposer's window of recent WAL, and below it with WAL read piece by piece from an acceptor that has it.
 * Commit LSN: the highest LSN fsynced by a quorum <em>in this term</em>, i.e. only acknowledgements at or
 * beyond the term start count (older-term WAL is committed only by being under new-term WAL, as in
 * Raft). A newer term seen while leading fences the proposer for good.
 */
public final class WalProposer {

    /**
     * @param acceptors        acceptor ids
     * @param timelineStartLsn where the timeline's WAL begins (used when no acceptor has any WAL yet)
     * @param maxAppendBytes   WAL bytes per append message
     * @param maxInflightBytes unacknowledged bytes per acceptor (pipelining window)
     * @param maxBufferBytes   window size beyond which committed WAL is dropped (re-read from acceptors)
     * @param stallTicks       ticks without progress before resending to an acceptor
     */
    public record Config(String proposerId, List<Integer> acceptors, Lsn timelineStartLsn, int maxAppendBytes,
                         long maxInflightBytes, long maxBufferBytes, int stallTicks) {
        public Config {
            acceptors = List.copyOf(acceptors);
            if (acceptors.isEmpty() || acceptors.stream().distinct().count() != acceptors.size()) {
                throw new IllegalArgumentException("acceptor ids must be distinct and non-empty: " + acceptors);
            }
            if (maxAppendBytes <= 0 || maxAppendBytes > Acceptor.MAX_WAL_PER_MESSAGE || maxInflightBytes < maxAppendBytes
                    || stallTicks <= 0) {
                throw new IllegalArgumentException("invalid proposer limits");
            }
        }

        public static Config defaults(String proposerId, List<Integer> acceptors, Lsn timelineStartLsn) {
            return new Config(proposerId, acceptors, timelineStartLsn, 128 * 1024, 8L << 20, 32L << 20, 5);
        }
    }

    /** Donor order: higher last log term first, then higher flush LSN (Neon's rule). */
    static final Comparator<VoteResponse> MOST_ADVANCED =
            Comparator.comparingLong(VoteResponse::lastLogTerm).thenComparing(VoteResponse::flushLsn);

    private final Config config;
    private final ProposerTransport transport;
    private final Quorum quorum;
    private final Comparator<VoteResponse> donorOrder;
    private final Map<Integer, PeerProgress> peers = new LinkedHashMap<>();
    private final Map<RefusalReason, Integer> refusals = new EnumMap<>(RefusalReason.class);

    private ProposerPhase phase = ProposerPhase.IDLE;
    private long term;
    private long highestSeenTerm;
    private final Map<Integer, VoteResponse> votes = new LinkedHashMap<>();
    private int campaignTicks;

    // Leading state.
    private TermHistory history = TermHistory.EMPTY;
    private Lsn termStart = Lsn.INVALID;
    private int donor = -1;
    private Lsn commitLsn = Lsn.INVALID;
    private ProposerLog log;
    /** Outstanding recovery read: source and range, or null. */
    private ReadRequest pendingRead;
    private int pendingReadFrom = -1;
    private int pendingReadTicks;

    public WalProposer(Config config, ProposerTransport transport) {
        this(config, transport, Quorum.MAJORITY, MOST_ADVANCED);
    }

    /** With replaceable rules: tests plant bugs here to show the simulation catches them. */
    WalProposer(Config config, ProposerTransport transport, Quorum quorum, Comparator<VoteResponse> donorOrder) {
        this.config = config;
        this.transport = transport;
        this.quorum = quorum;
        this.donorOrder = donorOrder;
        for (int id : config.acceptors()) {
            peers.put(id, new PeerProgress(id));
        }
    }

    // ------------------------------------------------------------------ inputs

    /** Starts (or restarts after a lost election) a campaign for a term above every term seen. */
    public void campaign() {
        campaign(0);
    }

    /** Campaigns for at least {@code minTerm} (e.g. above the terms acceptors reported in greetings). */
    public void campaign(long minTerm) {
        if (phase == ProposerPhase.LEADING || phase == ProposerPhase.FENCED) {
            throw new IllegalStateException("proposer " + config.proposerId() + " is " + phase + " in term " + term
                    + ": a new campaign needs a new proposer");
        }
        term = Math.max(Math.max(term, highestSeenTerm), minTerm - 1) + 1;
        phase = ProposerPhase.CAMPAIGNING;
        campaignTicks = 0;
        votes.clear();
        for (int id : peers.keySet()) {
            transport.send(id, new VoteRequest(term));
        }
    }

    /** Handles one message from acceptor {@code from}. */
    public void receive(int from, AcceptorMessage message) {
        PeerProgress peer = peers.get(from);
        if (message instanceof Refusal r) {
            refusals.merge(r.reason(), 1, Integer::sum);
        }
        if (peer == null || phase == ProposerPhase.IDLE || phase == ProposerPhase.FENCED) {
            noteTerm(message.term());
            return;
        }
        if (message.term() > term) {
            observeNewerTerm(message.term());
            return;
        }
        if (phase == ProposerPhase.CAMPAIGNING) {
            if (message instanceof VoteResponse v && v.term() == term && v.granted()) {
                votes.put(from, v);
                if (votes.size() >= quorum.votesNeeded(peers.size())) {
                    lead();
                }
            }
            return;
        }
        if (message.term() < term) {
            return; // a late answer to an older campaign of ours
        }
        switch (message) {
            case VoteResponse v -> {
                // Only an acceptor we asked: duplicates and late answers would re-send Elected in a loop.
                if (peer.stage == PeerProgress.Stage.UNKNOWN) {
                    sync(peer, v);
                }
            }
            case AppendResponse a -> progress(peer, a);
            case WalData d -> recovered(from, d);
            case Refusal r -> refused(peer, r);
        }
    }

    /** New WAL from the compute, continuing the log at {@link #logEnd()}. */
    public void appendWal(byte[] data) {
        if (phase != ProposerPhase.LEADING) {
            throw new IllegalStateException("proposer " + config.proposerId() + " is " + phase + ", not leading");
        }
        if (data.length == 0) {
            return;
        }
        log.append(data);
        pumpAll();
    }

    /** Time passes: retransmits to acceptors that stopped making progress. */
    public void tick() {
        switch (phase) {
            case CAMPAIGNING -> {
                campaignTicks++;
                if (campaignTicks % config.stallTicks() == 0) {
                    for (int id : peers.keySet()) {
                        if (!votes.containsKey(id)) {
                            transport.send(id, new VoteRequest(term));
                        }
                    }
                }
            }
            case LEADING -> {
                for (PeerProgress p : peers.values()) {
                    if (++p.idleTicks < config.stallTicks()) {
                        continue;
                    }
                    p.idleTicks = 0;
                    switch (p.stage) {
                        case UNKNOWN, ELECTING -> {
                            p.stage = PeerProgress.Stage.UNKNOWN;
                            transport.send(p.id, new VoteRequest(term));
                        }
                        case STREAMING -> {
                            // Resend from what it acknowledged; it tells us its write LSN if it has more.
                            p.nextSend = p.acked;
                            p.sentCommit = Lsn.INVALID;
                            p.rewoundTo = Lsn.INVALID;
                        }
                    }
                }
                if (pendingRead != null && ++pendingReadTicks >= config.stallTicks()) {
                    pendingRead = null;
                }
                pumpAll();
            }
            default -> {
            }
        }
    }

    // ----------------------------------------------------------------- election

    private void lead() {
        VoteResponse best = null;
        int bestId = -1;
        for (Map.Entry<Integer, VoteResponse> e : votes.entrySet()) {
            if (best == null || donorOrder.compare(e.getValue(), best) > 0) {
                best = e.getValue();
                bestId = e.getKey();
            }
        }
        donor = bestId;
        termStart = best.flushLsn().isValid() ? best.flushLsn() : config.timelineStartLsn();
        history = best.history().upTo(termStart).with(term, termStart);
        Lsn knownCommit = Lsn.INVALID;
        for (VoteResponse v : votes.values()) {
            knownCommit = max(knownCommit, v.commitLsn());
        }
        commitLsn = min(knownCommit, termStart);
        log = new ProposerLog(termStart);
        phase = ProposerPhase.LEADING;
        for (PeerProgress p : peers.values()) {
            VoteResponse v = votes.get(p.id);
            if (v != null) {
                sync(p, v);
            } else {
                transport.send(p.id, new VoteRequest(term));
            }
        }
    }

    /** Tells an acceptor where its log stops agreeing with ours. */
    private void sync(PeerProgress p, VoteResponse v) {
        Lsn point;
        try {
            point = TermHistory.highestCommonPoint(history, v.history().upTo(v.flushLsn()), v.flushLsn())
                    .map(TermLsn::lsn).orElse(history.first().lsn());
        } catch (HistoryConflictException e) {
            refusals.merge(RefusalReason.MALFORMED, 1, Integer::sum);
            p.reset();
            return;
        }
        p.stage = PeerProgress.Stage.ELECTING;
        p.idleTicks = 0;
        transport.send(p.id, new Elected(term, point, history));
    }

    private void observeNewerTerm(long newer) {
        noteTerm(newer);
        if (phase == ProposerPhase.LEADING) {
            phase = ProposerPhase.FENCED;
            log = null;
            pendingRead = null;
        } else if (phase == ProposerPhase.CAMPAIGNING) {
            phase = ProposerPhase.IDLE;
        }
    }

    private void noteTerm(long t) {
        highestSeenTerm = Math.max(highestSeenTerm, t);
    }

    // ------------------------------------------------------------------ streaming

    private void progress(PeerProgress p, AppendResponse a) {
        if (p.stage != PeerProgress.Stage.STREAMING) {
            // First answer in our term: it accepted Elected and truncated to a.writeLsn().
            p.stage = PeerProgress.Stage.STREAMING;
            p.nextSend = a.writeLsn();
            p.sentCommit = Lsn.INVALID;
        }
        if (a.flushLsn().isAfter(p.acked) || a.commitLsn().isAfter(p.knownCommit)) {
            p.idleTicks = 0;
        }
        p.acked = max(p.acked, a.flushLsn());
        p.knownCommit = max(p.knownCommit, a.commitLsn());
        if (p.nextSend.isBefore(p.acked)) {
            p.nextSend = p.acked;
        }
        advanceCommit();
        pump(p);
    }

    private void refused(PeerProgress p, Refusal r) {
        switch (r.reason()) {
            case OUT_OF_ORDER -> {
                if (p.stage != PeerProgress.Stage.STREAMING || r.writeLsn().isAfter(log.end())) {
                    resync(p);
                } else if (!r.writeLsn().equals(p.rewoundTo)) {
                    // Resume where it is written up to. Once per distinct write LSN: every reordered
                    // append after a gap is refused with the same LSN, and answering each of them with a
                    // window of appends would multiply traffic without bound.
                    p.rewoundTo = r.writeLsn();
                    p.nextSend = r.writeLsn();
                    p.acked = max(p.acked, r.flushLsn());
                    pump(p);
                }
            }
            case UNAVAILABLE -> {
                if (pendingReadFrom == p.id) {
                    pendingRead = null;
                }
            }
            // NOT_ELECTED, BAD_TRUNCATION_POINT: our view of it is stale (restart, reordering) — ask again.
            default -> resync(p);
        }
    }

    /** Asks the acceptor for its log position again (unless already asked: ticks retransmit). */
    private void resync(PeerProgress p) {
        if (p.stage == PeerProgress.Stage.UNKNOWN) {
            return;
        }
        p.reset();
        transport.send(p.id, new VoteRequest(term));
    }

    /** Commit LSN: the highest LSN that a quorum fsynced at or beyond the start of our term. */
    private void advanceCommit() {
        List<Lsn> acks = new ArrayList<>(peers.size());
        for (PeerProgress p : peers.values()) {
            if (p.stage == PeerProgress.Stage.STREAMING && !p.acked.isBefore(termStart)) {
                acks.add(p.acked);
            }
        }
        int need = quorum.acksNeeded(peers.size());
        if (acks.size() < need) {
            return;
        }
        acks.sort(Comparator.reverseOrder());
        Lsn candidate = min(acks.get(need - 1), log.end());
        if (candidate.isAfter(commitLsn)) {
            commitLsn = candidate;
            trimLog();
        }
    }

    /** Keeps the window small: drop WAL every acceptor has, or committed WAL past the size limit. */
    private void trimLog() {
        Lsn everywhere = log.end();
        for (PeerProgress p : peers.values()) {
            everywhere = p.stage == PeerProgress.Stage.STREAMING ? min(everywhere, p.acked) : Lsn.INVALID;
        }
        Lsn to = min(everywhere, commitLsn);
        if (log.size() > config.maxBufferBytes()) {
            to = max(to, commitLsn);
        }
        log.trimTo(to);
    }

    private void pumpAll() {
        for (PeerProgress p : peers.values()) {
            pump(p);
        }
    }

    /** Sends what the acceptor lacks, within the pipelining window; a heartbeat carries a newer commit. */
    private void pump(PeerProgress p) {
        if (phase != ProposerPhase.LEADING || p.stage != PeerProgress.Stage.STREAMING) {
            return;
        }
        while (p.nextSend.isBefore(log.end()) && p.nextSend.minus(p.acked) < config.maxInflightBytes()) {
            if (p.nextSend.isBefore(log.begin())) {
                requestRecoveryRead(p.nextSend);
                return;
            }
            Lsn to = p.nextSend.plus(Math.min(config.maxAppendBytes(), log.end().minus(p.nextSend)));
            send(p, to);
        }
        if (p.sentCommit.isBefore(commitLsn) && !p.nextSend.isBefore(log.begin())) {
            send(p, p.nextSend);
        }
    }

    private void send(PeerProgress p, Lsn to) {
        byte[] data = log.slice(p.nextSend, to);
        transport.send(p.id, new AppendRequest(term, p.nextSend, to, commitLsn, peerHorizon(), data));
        p.nextSend = to;
        p.sentCommit = commitLsn;
    }

    /** WAL below this LSN is on every acceptor (lets them drop it once the pageserver has it). */
    private Lsn peerHorizon() {
        Lsn h = commitLsn;
        for (PeerProgress p : peers.values()) {
            h = p.stage == PeerProgress.Stage.STREAMING ? min(h, p.acked) : Lsn.INVALID;
        }
        return h;
    }

    // ------------------------------------------------------------------ recovery

    /**
     * Catch-up below the window: reads the next piece of what a lagging acceptor lacks, {@code [from, from +
     * 1 MiB)} capped at the window's begin, from an acceptor that has our log there. The answer goes straight
     * to the acceptors waiting at {@code from} and is not kept: the window never grows backwards, so catching
     * up an acceptor that is far behind costs neither memory nor copying in proportion to how far.
     */
    private void requestRecoveryRead(Lsn from) {
        if (pendingRead != null) {
            return;
        }
        Lsn end = min(log.begin(), from.plus(Acceptor.MAX_WAL_PER_MESSAGE));
        int source = -1;
        for (PeerProgress p : peers.values()) {
            if (p.stage == PeerProgress.Stage.STREAMING && !p.acked.isBefore(end)) {
                source = p.id;
                break;
            }
        }
        if (source < 0 && !end.isAfter(termStart)) {
            source = donor; // it voted for us with this log; nothing can have changed it but a newer term
        }
        if (source < 0) {
            return;
        }
        pendingRead = new ReadRequest(term, from, end);
        pendingReadFrom = source;
        pendingReadTicks = 0;
        transport.send(source, pendingRead);
    }

    private void recovered(int from, WalData d) {
        if (pendingRead == null || from != pendingReadFrom || !d.begin().equals(pendingRead.begin())
                || !d.end().equals(pendingRead.end())) {
            return; // late or duplicated answer
        }
        pendingRead = null;
        for (PeerProgress p : peers.values()) {
            if (p.stage == PeerProgress.Stage.STREAMING && p.nextSend.equals(d.begin())) {
                forward(p, d);
            }
        }
        pumpAll();
    }

    /** Sends WAL read from a donor to an acceptor whose next byte is where it begins. */
    private void forward(PeerProgress p, WalData d) {
        Lsn at = d.begin();
        while (at.isBefore(d.end())) {
            Lsn to = min(d.end(), at.plus(config.maxAppendBytes()));
            byte[] part = java.util.Arrays.copyOfRange(d.data(), (int) at.minus(d.begin()), (int) to.minus(d.begin()));
            transport.send(p.id, new AppendRequest(term, at, to, commitLsn, peerHorizon(), part));
            at = to;
        }
        p.nextSend = d.end();
        p.sentCommit = commitLsn;
    }

    // ------------------------------------------------------------------ queries

    public ProposerPhase phase() {
        return phase;
    }

    public long term() {
        return term;
    }

    /** Highest term seen from any acceptor. */
    public long highestSeenTerm() {
        return highestSeenTerm;
    }

    /** Quorum commit LSN: the only position the compute may be told is durable. */
    public Lsn commitLsn() {
        return commitLsn;
    }

    /** Where this term's WAL starts (the end of the elected base log). */
    public Lsn termStartLsn() {
        return termStart;
    }

    public TermHistory history() {
        return history;
    }

    /** The acceptor whose log became the base, -1 before election. */
    public int donor() {
        return donor;
    }

    public Lsn logEnd() {
        return log == null ? termStart : log.end();
    }

    /** Bytes held in the proposer's window of its log. */
    public long logSize() {
        return log == null ? 0 : log.size();
    }

    /** The votes that elected this proposer. */
    public Map<Integer, VoteResponse> votes() {
        return Map.copyOf(votes);
    }

    /**
     * Sync-mode completion: leading, the commit LSN reached the term start, and a quorum of acceptors
     * reported a commit LSN at or beyond it — so a quorum is identical up to {@link #termStartLsn()}.
     */
    public boolean quorumSyncedToTermStart() {
        if (phase != ProposerPhase.LEADING || commitLsn.isBefore(termStart)) {
            return false;
        }
        int n = 0;
        for (PeerProgress p : peers.values()) {
            if (p.stage == PeerProgress.Stage.STREAMING && !p.knownCommit.isBefore(termStart)) {
                n++;
            }
        }
        return n >= quorum.acksNeeded(peers.size());
    }

    public Map<RefusalReason, Integer> refusals() {
        return Map.copyOf(refusals);
    }

    public String describePeers() {
        return peers.values().toString();
    }

    private static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Lsn min(Lsn a, Lsn b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
