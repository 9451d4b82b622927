package dev.cairn.chaos.workload;

import dev.cairn.chaos.history.OpType;

import java.sql.SQLException;

/**
 * Whether a failed operation certainly had no effect (FAIL) or might have (INFO). The rule that keeps the
 * checkers honest: only errors before COMMIT was sent, or errors PostgreSQL reports as a rollback
 * (serialization failure, deadlock, constraint violation), are FAIL; a broken connection or timeout while
 * COMMIT was in flight is INFO, because the commit may have reached the quorum.
 */
public final class OutcomeClassifier {
    private OutcomeClassifier() {
    }

    /**
     * @param duringCommit whether the error came from COMMIT (or from a statement that commits by itself)
     * @param readOnly     whether the operation cannot change anything (a failed read is always FAIL)
     */
    public static OpType classify(SQLException e, boolean duringCommit, boolean readOnly) {
        if (readOnly || !duringCommit) {
            return OpType.FAIL; // without a COMMIT the server rolls the transaction back
        }
        String state = e.getSQLState();
        if (state != null && (state.startsWith("40") || state.startsWith("23") || state.startsWith("42"))) {
            return OpType.FAIL; // reported as rolled back or refused before any change
        }
        return OpType.INFO;
    }
}
