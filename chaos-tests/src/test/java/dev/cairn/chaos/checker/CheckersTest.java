package dev.cairn.chaos.checker;

import dev.cairn.chaos.history.History;
import dev.cairn.chaos.history.Op;
import dev.cairn.chaos.history.OpType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static dev.cairn.chaos.history.OpType.FAIL;
import static dev.cairn.chaos.history.OpType.INFO;
import static dev.cairn.chaos.history.OpType.OK;
import static org.assertj.core.api.Assertions.assertThat;

/** Each checker catches the anomaly planted in an otherwise valid history, and accepts valid histories. */
class CheckersTest {

    @Test
    void bankCatchesABrokenTotal() {
        History valid = new Histories()
                .op(1, "transfer", "{\"from\":\"a\",\"to\":\"b\",\"amount\":10}", OK, null, 0, 10)
                .op(2, "read", "{}", OK, "{\"balances\":{\"a\":90,\"b\":110}}", 11, 20).build();
        assertThat(new BankChecker(200).check(valid).valid()).isTrue();
        History broken = new Histories()
                .op(1, "transfer", "{\"from\":\"a\",\"to\":\"b\",\"amount\":10}", OK, null, 0, 10)
                .op(2, "read", "{}", OK, "{\"balances\":{\"a\":90,\"b\":100}}", 11, 20).build();
        CheckResult r = new BankChecker(200).check(broken);
        assertThat(r.valid()).isFalse();
        assertThat(r.anomalies()).extracting(Anomaly::type).containsExactly("wrong-total");
        assertThat(r.anomalies().getFirst().operations()).containsExactly(1);
    }

    @Test
    void appendCatchesALostWriteAPhantomADuplicateAndANonPrefix() {
        History valid = new Histories()
                .op(1, "append", "{\"key\":\"k\",\"id\":1}", OK, null, 0, 10)
                .op(2, "append", "{\"key\":\"k\",\"id\":2}", INFO, null, 5, 15)
                .op(3, "append", "{\"key\":\"k\",\"id\":3}", FAIL, null, 6, 16)
                .op(1, "read", "{\"key\":\"k\"}", OK, "{\"key\":\"k\",\"list\":[1]}", 20, 30)
                .op(1, "read", "{\"key\":\"k\"}", OK, "{\"key\":\"k\",\"list\":[1,2]}", 40, 50).build();
        assertThat(new AppendChecker().check(valid).valid()).as("%s", new AppendChecker().check(valid)).isTrue();

        History lost = new Histories()
                .op(1, "append", "{\"key\":\"k\",\"id\":1}", OK, null, 0, 10)
                .op(2, "append", "{\"key\":\"k\",\"id\":2}", OK, null, 5, 15)
                .op(1, "read", "{\"key\":\"k\"}", OK, "{\"key\":\"k\",\"list\":[1]}", 40, 50).build();
        assertThat(new AppendChecker().check(lost).anomalies()).extracting(Anomaly::type).containsExactly("lost-write");

        History bad = new Histories()
                .op(1, "append", "{\"key\":\"k\",\"id\":1}", OK, null, 0, 10)
                .op(3, "append", "{\"key\":\"k\",\"id\":3}", FAIL, null, 6, 16)
                .op(1, "read", "{\"key\":\"k\"}", OK, "{\"key\":\"k\",\"list\":[1,1,3,9]}", 20, 30)
                .op(1, "read", "{\"key\":\"k\"}", OK, "{\"key\":\"k\",\"list\":[1]}", 40, 50).build();
        assertThat(new AppendChecker().check(bad).anomalies()).extracting(Anomaly::type)
                .contains("duplicate", "phantom", "failed-write-visible", "not-a-prefix");
    }

    @Test
    void registerCatchesAStaleReadAndReadsInOppositeOrders() {
        LinearizabilityChecker<RegisterModel.State> checker = LinearizabilityChecker.registers();
        // write 1 completes, then a read returns the old (unset) value
        History stale = new Histories()
                .op(1, "write", "{\"key\":\"x\",\"value\":1}", OK, null, 0, 10)
                .op(2, "read", "{\"key\":\"x\"}", OK, "{\"value\":null}", 20, 30).build();
        CheckResult r = checker.check(stale);
        assertThat(r.anomalies()).extracting(Anomaly::type).containsExactly("not-linearizable");
        assertThat(r.anomalies().getFirst().operations()).contains(1);

        // two concurrent writes; one reader sees 1 then 2, the other 2 then 1: no single order explains both
        History opposite = new Histories()
                .invoke(1, "write", "{\"key\":\"x\",\"value\":1}", 0)
                .invoke(2, "write", "{\"key\":\"x\",\"value\":2}", 0)
                .op(3, "read", "{\"key\":\"x\"}", OK, "{\"value\":1}", 10, 11)
                .op(4, "read", "{\"key\":\"x\"}", OK, "{\"value\":2}", 10, 11)
                .op(3, "read", "{\"key\":\"x\"}", OK, "{\"value\":2}", 20, 21)
                .op(4, "read", "{\"key\":\"x\"}", OK, "{\"value\":1}", 20, 21)
                .complete(1, OK, "write", null, 100)
                .complete(2, OK, "write", null, 100).build();
        assertThat(checker.check(opposite).valid()).isFalse();

        // the same with an INFO write that may have happened: still fine when one order exists
        History maybe = new Histories()
                .op(1, "write", "{\"key\":\"x\",\"value\":1}", OK, null, 0, 10)
                .op(2, "write", "{\"key\":\"x\",\"value\":2}", INFO, null, 11, 12)
                .op(3, "read", "{\"key\":\"x\"}", OK, "{\"value\":2}", 50, 60)
                .op(3, "cas", "{\"key\":\"x\",\"expect\":2,\"value\":3}", OK, null, 70, 80)
                .op(4, "cas", "{\"key\":\"x\",\"expect\":7,\"value\":8}", FAIL, null, 70, 80)
                .op(3, "read", "{\"key\":\"x\"}", OK, "{\"value\":3}", 90, 95).build();
        assertThat(checker.check(maybe).valid()).as("%s", checker.check(maybe)).isTrue();
    }

    @Test
    void randomLinearizableHistoriesPassAndOnePlantedStaleReadFails() {
        for (int seed = 0; seed < 200; seed++) {
            Random r = new Random(seed);
            List<Op> ops = simulateRegister(r, 8, 300);
            History valid = new History();
            ops.forEach(valid::add);
            assertThat(LinearizabilityChecker.registers().check(valid).valid()).as("seed %d", seed).isTrue();

            // plant: one OK read reports a value that was never written
            History planted = new History();
            boolean done = false;
            for (Op op : ops) {
                if (!done && op.type() == OK && op.function().equals("read") && r.nextInt(4) == 0) {
                    op = new Op(op.process(), OK, "read", Histories.json("{\"value\":999999}"), op.nanos());
                    done = true;
                }
                planted.add(op);
            }
            if (done) {
                assertThat(LinearizabilityChecker.registers().check(planted).valid()).as("planted, seed %d", seed).isFalse();
            }
        }
    }

    @Test
    void aLongConcurrentHistoryIsCheckedQuickly() {
        List<Op> ops = simulateRegister(new Random(42), 10, 4000);
        History h = new History();
        ops.forEach(h::add);
        long t0 = System.nanoTime();
        assertThat(LinearizabilityChecker.registers().check(h).valid()).isTrue();
        assertThat(h.operations()).hasSize(4000);
        // not a timed assertion on speed: recorded for the reader
        System.out.printf("4000-operation register history checked in %.1f ms%n", (System.nanoTime() - t0) / 1e6);
    }

    @Test
    void historiesRoundTripThroughJsonLines(@TempDir Path dir) {
        History h = new History();
        simulateRegister(new Random(1), 3, 50).forEach(h::add);
        h.write(dir.resolve("h.jsonl"));
        assertThat(History.read(dir.resolve("h.jsonl")).ops()).isEqualTo(h.ops());
    }

    /**
     * A real linearizable register driven by concurrent clients: each operation takes effect atomically at a
     * random instant between its invocation and completion; some completions are lost (INFO).
     */
    static List<Op> simulateRegister(Random r, int clients, int operations) {
        record Pending(int client, String function, String in, long effectAt, long completeAt, boolean lost) {
        }
        List<Op> out = new ArrayList<>();
        Long value = null;
        long now = 0;
        Pending[] inFlight = new Pending[clients];
        String[] results = new String[clients];
        int started = 0;
        while (started < operations || java.util.Arrays.stream(inFlight).anyMatch(java.util.Objects::nonNull)) {
            now++;
            for (int c = 0; c < clients; c++) {
                Pending p = inFlight[c];
                if (p == null && started < operations && r.nextInt(3) == 0) {
                    int kind = r.nextInt(3);
                    long v = r.nextInt(5);
                    String fn = kind == 0 ? "read" : kind == 1 ? "write" : "cas";
                    String in = kind == 0 ? "{\"key\":\"x\"}" : kind == 1 ? "{\"key\":\"x\",\"value\":" + v + "}"
                            : "{\"key\":\"x\",\"expect\":" + r.nextInt(5) + ",\"value\":" + v + "}";
                    long effect = now + 1 + r.nextInt(5);
                    inFlight[c] = new Pending(c, fn, in, effect, effect + r.nextInt(5), r.nextInt(20) == 0);
                    out.add(new Op(c, OpType.INVOKE, fn, Histories.json(in), now));
                    started++;
                    continue;
                }
                if (p == null) {
                    continue;
                }
                if (now == p.effectAt()) {
                    var in = Histories.json(p.in());
                    switch (p.function()) {
                        case "read" -> results[c] = "{\"value\":" + value + "}";
                        case "write" -> {
                            value = in.get("value").asLong();
                            results[c] = null;
                        }
                        default -> {
                            if (java.util.Objects.equals(value, in.get("expect").asLong())) {
                                value = in.get("value").asLong();
                                results[c] = "ok";
                            } else {
                                results[c] = "fail";
                            }
                        }
                    }
                }
                if (now >= p.completeAt() && now > p.effectAt()) {
                    OpType type = p.lost() ? INFO : "fail".equals(results[c]) ? FAIL : OK;
                    String result = p.function().equals("read") && type == OK ? results[c] : null;
                    out.add(new Op(c, type, p.function(), result == null ? null : Histories.json(result), now));
                    inFlight[c] = null;
                }
            }
        }
        return out;
    }
}
