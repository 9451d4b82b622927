package dev.cairn.safekeeper.consensus.sim;

import dev.cairn.safekeeper.consensus.ProposerVariants;
import dev.cairn.safekeeper.consensus.RefusalReason;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Thousands of seeded runs of the real proposer and acceptor. More seeds by command:
 * {@code ./test -pl safekeeper -am -Dtest=SimulationTest -Dsurefire.failIfNoSpecifiedTests=false -Dsim.seeds=100000}.
 */
class SimulationTest {
    private static final int SEEDS = Integer.getInteger("sim.seeds", 2000);
    private static final long FIRST_SEED = Long.getLong("sim.firstSeed", 1);

    @Test
    void invariantsHoldOverManySeeds() {
        Totals t = new Totals();
        for (long seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
            Simulation.Config cfg = Simulation.Config.standard()
                    .withAcceptors(seed % 4 == 0 ? 5 : 3)
                    .withProposerSlots(seed % 3 == 0 ? 1 : 2);
            t.add(Simulation.run(seed, cfg, ProposerVariants.CORRECT));
        }
        System.out.println("simulation: " + t);
        // Not vacuous: commits happened, leaders changed, fencing, crashes, truncation of divergent tails
        // and recovery reads all occurred across the seeds.
        assertThat(t.committed).isGreaterThan(SEEDS * 1000L);
        assertThat(t.leaders).isGreaterThan(SEEDS);
        assertThat(t.fenced).isPositive();
        assertThat(t.crashes).isGreaterThan(SEEDS);
        assertThat(t.truncated).isPositive();
        assertThat(t.reads).isPositive();
    }

    static final class Totals {
        long committed;
        long leaders;
        long fenced;
        long crashes;
        long truncated;
        long reads;
        long seedsWithCommit;
        final Map<RefusalReason, Integer> refusals = new EnumMap<>(RefusalReason.class);

        void add(Simulation.Result r) {
            committed += r.committedBytes();
            leaders += r.leaders();
            fenced += r.fenced();
            crashes += r.crashes();
            truncated += r.truncatedBytes();
            reads += r.recoveryReads();
            seedsWithCommit += r.committedBytes() > 0 ? 1 : 0;
            r.refusals().forEach((k, v) -> refusals.merge(k, v, Integer::sum));
        }

        @Override
        public String toString() {
            return "committed=" + committed + " bytes, seedsWithCommit=" + seedsWithCommit + ", leaders=" + leaders
                    + ", fenced=" + fenced + ", acceptorCrashes=" + crashes + ", truncatedBytes=" + truncated
                    + ", recoveryReads=" + reads + ", refusals=" + refusals;
        }
    }
}
