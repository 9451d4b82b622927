package dev.cairn.safekeeper.consensus;

/** How many acceptors of {@code n} must vote for an election and must have fsynced WAL for a commit. */
public interface Quorum {
    int votesNeeded(int n);

    int acksNeeded(int n);

    /** A strict majority for both: any two quorums intersect. */
    Quorum MAJORITY = new Quorum() {
        @Override
        public int votesNeeded(int n) {
            return n / 2 + 1;
        }

        @Override
        public int acksNeeded(int n) {
            return n / 2 + 1;
        }

        @Override
        public String toString() {
            return "majority";
        }
    };
}
