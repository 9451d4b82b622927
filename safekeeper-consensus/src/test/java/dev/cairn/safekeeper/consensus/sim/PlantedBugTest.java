package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.safekeeper.consensus.ProposerVariants;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The simulation is only worth its seeds if it catches real consensus bugs: plant some and look. */
class PlantedBugTest {

    @Test
    void commitOnMinorityIsCaught() {
        InvariantViolation v = firstViolation(ProposerVariants.COMMIT_ON_MINORITY);
        System.out.println("commit on a minority: " + v.getMessage());
        assertThat(v.getMessage()).containsAnyOf("hold the committed WAL", "differs from committed WAL",
                "diverges from committed WAL");
    }

    @Test
    void trustingTheLongestLogRegardlessOfTermIsCaught() {
        InvariantViolation v = firstViolation(ProposerVariants.DONOR_BY_FLUSH_ONLY);
        System.out.println("donor by flush LSN only: " + v.getMessage());
        assertThat(v).isNotNull();
    }

    private static InvariantViolation firstViolation(Simulation.ProposerFactory buggy) {
        for (long seed = 1; seed <= 2000; seed++) {
            try {
                Simulation.run(seed, Simulation.Config.standard(), buggy);
            } catch (InvariantViolation v) {
                return v;
            }
        }
        throw new AssertionError("2000 seeds did not catch the planted bug");
    }
}
