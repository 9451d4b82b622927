package dev.cairn.safekeeper.consensus;

import dev.cairn.common.Lsn;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The term switches of a log, oldest first: terms strictly increase, start LSNs never decrease.
 * An acceptor adopts the whole history of the proposer it follows, which may run ahead of its WAL, so
 * comparisons always use the history clipped at the acceptor's flush LSN ({@link #upTo}).
 */
public record TermHistory(List<TermLsn> entries) {
    public static final TermHistory EMPTY = new TermHistory(List.of());

    public TermHistory {
        entries = List.copyOf(entries);
        for (int i = 1; i < entries.size(); i++) {
            TermLsn prev = entries.get(i - 1);
            TermLsn cur = entries.get(i);
            if (cur.term() <= prev.term()) {
                throw new IllegalArgumentException("term history terms must increase: " + entries);
            }
            if (cur.lsn().isBefore(prev.lsn())) {
                throw new IllegalArgumentException("term history LSNs must not decrease: " + entries);
            }
        }
    }

    public static TermHistory of(TermLsn... entries) {
        return new TermHistory(List.of(entries));
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public int size() {
        return entries.size();
    }

    public TermLsn first() {
        return entries.getFirst();
    }

    public TermLsn last() {
        return entries.getLast();
    }

    /** The term of the newest switch, 0 when the history is empty. */
    public long lastTerm() {
        return entries.isEmpty() ? 0 : entries.getLast().term();
    }

    /** The switches that happened at or before {@code lsn}. */
    public TermHistory upTo(Lsn lsn) {
        int n = 0;
        while (n < entries.size() && !entries.get(n).lsn().isAfter(lsn)) {
            n++;
        }
        return n == entries.size() ? this : new TermHistory(entries.subList(0, n));
    }

    /** This history followed by a switch to {@code term} at {@code start}. */
    public TermHistory with(long term, Lsn start) {
        List<TermLsn> next = new ArrayList<>(entries.size() + 1);
        next.addAll(entries);
        next.add(new TermLsn(term, start));
        return new TermHistory(next);
    }

    /**
     * The highest point up to which the acceptor's log (history {@code acceptor}, WAL ending at
     * {@code acceptorEnd}) is the proposer's log: the end of their last common term, as far as both have
     * it. The proposer's last term is open-ended; the acceptor's ends at its WAL end. Empty when they
     * share no term.
     *
     * @throws HistoryConflictException when one term has two different start LSNs
     */
    public static Optional<TermLsn> highestCommonPoint(TermHistory proposer, TermHistory acceptor, Lsn acceptorEnd) {
        List<TermLsn> p = proposer.entries;
        List<TermLsn> a = acceptor.entries;
        int common = -1;
        for (int i = 0; i < Math.min(p.size(), a.size()); i++) {
            if (p.get(i).term() != a.get(i).term()) {
                break;
            }
            if (!p.get(i).lsn().equals(a.get(i).lsn())) {
                throw new HistoryConflictException("term " + p.get(i).term() + " starts at " + p.get(i).lsn()
                        + " in the proposer's history but at " + a.get(i).lsn() + " in the acceptor's");
            }
            common = i;
        }
        if (common < 0) {
            return Optional.empty();
        }
        long term = p.get(common).term();
        if (common == p.size() - 1) {
            return Optional.of(new TermLsn(term, acceptorEnd));
        }
        Lsn proposerEnd = p.get(common + 1).lsn();
        Lsn acceptorTermEnd = common + 1 < a.size() ? a.get(common + 1).lsn() : acceptorEnd;
        return Optional.of(new TermLsn(term, proposerEnd.isBefore(acceptorTermEnd) ? proposerEnd : acceptorTermEnd));
    }

    @Override
    public String toString() {
        return entries.toString();
    }
}
