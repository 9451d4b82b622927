package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;
import dev.cairn.safekeeper.consensus.AcceptorMessage.AppendResponse;
import dev.cairn.safekeeper.consensus.AcceptorMessage.Refusal;
import dev.cairn.safekeeper.consensus.AcceptorMessage.VoteResponse;
import dev.cairn.safekeeper.consensus.ProposerMessage.AppendRequest;
import dev.cairn.safekeeper.consensus.ProposerMessage.Elected;
import dev.cairn.safekeeper.consensus.ProposerMessage.ReadRequest;
import dev.cairn.safekeeper.consensus.ProposerMessage.VoteRequest;
import dev.cairn.safekeeper.consensus.StorageAction.FlushWal;
import dev.cairn.safekeeper.consensus.StorageAction.PersistState;
import dev.cairn.safekeeper.consensus.StorageAction.ReadWal;
import dev.cairn.safekeeper.consensus.StorageAction.TruncateWal;
import dev.cairn.safekeeper.consensus.StorageAction.WriteWal;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The acceptor side of the consensus for one timeline, as pure logic: each input becomes a {@link Step}
 * (storage actions, then a reply). No I/O happens here; the caller applies the actions and only then
 * sends the reply. Not thread-safe: one caller feeds it.
 *
 * <p>Rules (after Neon's safekeeper): a vote is granted only for a term above every term seen, after the
 * WAL is flushed so the reported flush LSN is durable; Elected truncates the WAL at the highest point
 * shared with the winner's history and never below the commit LSN; appends are accepted only in the
 * term whose Elected was accepted, contiguously at the write LSN. Every refusal leaves persisted state
 * untouched and carries the acceptor's term, so a stale proposer learns it is fenced.
 */
public final class Acceptor {
    /** Largest WAL payload accepted in one append or served by one read. */
    public static final int MAX_WAL_PER_MESSAGE = 1 << 20;

    private AcceptorState state;
    /** Persisted copy, to know when lazily updated fields need a checkpoint. */
    private AcceptorState persisted;
    private Lsn writeLsn;
    private Lsn flushLsn;
    /** Commit LSN received from the proposer, applied once the WAL under it is flushed. */
    private Lsn pendingCommit;
    private boolean appendReplyPending;

    /**
     * @param state         the state file's content
     * @param walEnd        end of the valid WAL found on disk (recovery), {@link Lsn#INVALID} if none
     */
    public Acceptor(AcceptorState state, Lsn walEnd) {
        this.state = state;
        this.persisted = state;
        Lsn end = max(walEnd, state.timelineStartLsn());
        this.writeLsn = end;
        this.flushLsn = end;
        this.pendingCommit = state.commitLsn();
        if (state.commitLsn().isAfter(end)) {
            // The WAL under the persisted commit LSN is gone (disk loss or corruption): report only what
            // is here; peers hold the rest, and the next Elected refills it.
            this.state = state.withProgress(end, min(state.peerHorizonLsn(), end));
            this.pendingCommit = end;
        }
    }

    public AcceptorState state() {
        return state;
    }

    public Lsn flushLsn() {
        return flushLsn;
    }

    public Lsn writeLsn() {
        return writeLsn;
    }

    public Lsn commitLsn() {
        return state.commitLsn();
    }

    public long term() {
        return state.term();
    }

    /** Term of the last WAL this acceptor has. */
    public long lastLogTerm() {
        return state.history().upTo(flushLsn).lastTerm();
    }

    /** Handles one proposer message. */
    public Step handle(ProposerMessage message) {
        if (message.term() <= 0) {
            return refuse(RefusalReason.MALFORMED, "term must be positive, got " + message.term());
        }
        return switch (message) {
            case VoteRequest v -> vote(v);
            case Elected e -> elected(e);
            case AppendRequest a -> append(a);
            case ReadRequest r -> read(r);
        };
    }

    private Step vote(VoteRequest v) {
        List<StorageAction> actions = new ArrayList<>(2);
        flushInto(actions);
        boolean granted = v.term() > state.term();
        if (granted) {
            state = state.withTerm(v.term());
            persistInto(actions);
        }
        return new Step(actions, new VoteResponse(state.term(), granted, flushLsn, state.commitLsn(),
                state.peerHorizonLsn(), state.history().upTo(flushLsn), state.timelineStartLsn()));
    }

    private Step elected(Elected e) {
        TermHistory h = e.history();
        if (h.isEmpty() || h.lastTerm() != e.term()) {
            return refuse(RefusalReason.MALFORMED, "Elected history must end with its term " + e.term() + ": " + h);
        }
        if (e.term() < state.term()) {
            return refuse(RefusalReason.STALE_TERM, "Elected for term " + e.term() + " but this acceptor is in term " + state.term());
        }
        List<StorageAction> actions = new ArrayList<>(3);
        // Our own unflushed tail belongs to the log we compare: make it durable first.
        boolean flushed = flushInto(actions);
        Lsn point;
        try {
            Optional<TermLsn> common = TermHistory.highestCommonPoint(h, state.history().upTo(flushLsn), flushLsn);
            point = common.map(TermLsn::lsn).orElse(h.first().lsn());
        } catch (HistoryConflictException x) {
            return refuseAfter(flushed, RefusalReason.MALFORMED, x.getMessage());
        }
        if (!point.equals(e.startStreamingAt())) {
            return refuseAfter(flushed, RefusalReason.BAD_TRUNCATION_POINT, "truncation point " + e.startStreamingAt()
                    + " does not match the highest common point " + point + " (flush " + flushLsn + ", history "
                    + state.history().upTo(flushLsn) + ")");
        }
        if (point.isBefore(state.commitLsn())) {
            return refuseAfter(flushed, RefusalReason.WOULD_TRUNCATE_COMMITTED, "truncation at " + point
                    + " would cut committed WAL up to " + state.commitLsn());
        }
        if (!point.equals(flushLsn)) {
            actions.add(new TruncateWal(point));
            writeLsn = point;
            flushLsn = point;
        }
        state = state.withElected(e.term(), h);
        persistInto(actions);
        return new Step(actions, progress());
    }

    private Step append(AppendRequest a) {
        if (a.data().length > MAX_WAL_PER_MESSAGE) {
            return refuse(RefusalReason.TOO_LARGE, "append of " + a.data().length + " bytes exceeds " + MAX_WAL_PER_MESSAGE);
        }
        if (!a.begin().isValid() || a.end().minus(a.begin()) != a.data().length) {
            return refuse(RefusalReason.MALFORMED, "append " + a.begin() + ".." + a.end() + " carries " + a.data().length + " bytes");
        }
        if (a.term() < state.term()) {
            return refuse(RefusalReason.STALE_TERM, "append in term " + a.term() + " but this acceptor is in term " + state.term());
        }
        if (a.term() > state.term() || state.history().lastTerm() != a.term()) {
            return refuse(RefusalReason.NOT_ELECTED, "append in term " + a.term() + " before its Elected was accepted");
        }
        if (!a.begin().equals(writeLsn)) {
            return refuse(RefusalReason.OUT_OF_ORDER, "append at " + a.begin() + " but WAL is written up to " + writeLsn);
        }
        List<StorageAction> actions = a.data().length == 0 ? List.of() : List.of(new WriteWal(a.begin(), a.data()));
        writeLsn = a.end();
        pendingCommit = max(pendingCommit, a.commitLsn());
        state = state.withProgress(state.commitLsn(), max(state.peerHorizonLsn(), min(a.peerHorizonLsn(), a.commitLsn())));
        appendReplyPending = true;
        return new Step(actions, null);
    }

    private Step read(ReadRequest r) {
        if (r.end().isBefore(r.begin()) || !r.begin().isValid()) {
            return refuse(RefusalReason.MALFORMED, "read " + r.begin() + ".." + r.end());
        }
        if (r.end().minus(r.begin()) > MAX_WAL_PER_MESSAGE) {
            return refuse(RefusalReason.TOO_LARGE, "read of " + r.end().minus(r.begin()) + " bytes exceeds " + MAX_WAL_PER_MESSAGE);
        }
        if (r.term() < state.term()) {
            return refuse(RefusalReason.STALE_TERM, "read in term " + r.term() + " but this acceptor is in term " + state.term());
        }
        if (r.term() > state.term()) {
            return refuse(RefusalReason.NOT_ELECTED, "read in term " + r.term() + " from an acceptor that did not vote in it");
        }
        if (r.end().isAfter(flushLsn) || r.begin().isBefore(state.timelineStartLsn())) {
            return refuse(RefusalReason.UNAVAILABLE, "read " + r.begin() + ".." + r.end() + " outside WAL "
                    + state.timelineStartLsn() + ".." + flushLsn);
        }
        return new Step(List.of(new ReadWal(state.term(), r.begin(), r.end())), null);
    }

    /**
     * The group-commit point: flush what appends wrote, advance the commit LSN over flushed WAL, and
     * answer every append since the last flush with one cumulative response.
     */
    public Step flush() {
        List<StorageAction> actions = new ArrayList<>(2);
        flushInto(actions);
        if (!appendReplyPending) {
            return actions.isEmpty() ? Step.NOTHING : new Step(actions, null);
        }
        appendReplyPending = false;
        Lsn termStart = state.history().isEmpty() ? Lsn.INVALID : state.history().last().lsn();
        // sync mode waits for a quorum whose persisted commit LSN reached the term start: persist it now.
        if (!state.commitLsn().isBefore(termStart) && persisted.commitLsn().isBefore(termStart)) {
            persistInto(actions);
        }
        return new Step(actions, progress());
    }

    /** Persists lazily maintained fields (commit LSN, peer horizon) if they moved. */
    public Step checkpoint() {
        if (state.equals(persisted)) {
            return Step.NOTHING;
        }
        List<StorageAction> actions = new ArrayList<>(1);
        persistInto(actions);
        return new Step(actions, null);
    }

    /** True when appends await the group-commit {@link #flush()}. */
    public boolean flushPending() {
        return appendReplyPending || writeLsn.isAfter(flushLsn);
    }

    private AppendResponse progress() {
        return new AppendResponse(state.term(), flushLsn, state.commitLsn(), writeLsn);
    }

    /** Adds a WAL flush if anything is unflushed; applies the pending commit LSN over the flushed WAL. */
    private boolean flushInto(List<StorageAction> actions) {
        boolean flushed = false;
        if (writeLsn.isAfter(flushLsn)) {
            actions.add(new FlushWal());
            flushLsn = writeLsn;
            flushed = true;
        }
        Lsn commit = max(state.commitLsn(), min(pendingCommit, flushLsn));
        if (!commit.equals(state.commitLsn())) {
            state = state.withProgress(commit, state.peerHorizonLsn());
        }
        return flushed;
    }

    private void persistInto(List<StorageAction> actions) {
        actions.add(new PersistState(state));
        persisted = state;
    }

    private Step refuse(RefusalReason reason, String message) {
        return Step.reply(new Refusal(reason, state.term(), message, flushLsn, writeLsn));
    }

    /** A refusal that still carries a flush done while deciding (no state change, only durability). */
    private Step refuseAfter(boolean flushed, RefusalReason reason, String message) {
        Refusal r = new Refusal(reason, state.term(), message, flushLsn, writeLsn);
        return flushed ? new Step(List.of(new FlushWal()), r) : Step.reply(r);
    }

    private static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static Lsn min(Lsn a, Lsn b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
