package dev.cairn.proxy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SplicedFlowTest {

    @Test
    void theQueueIsWhatWasTakenFromTheSenderLessWhatReachedTheReceiverAndTheProxysOwnWrites() {
        // at the splice: 1000 bytes taken from the sender, 5000 put into the receiver; the proxy then writes 20 of its own
        SplicedFlow flow = new SplicedFlow(1_000, 5_000, 20);
        assertThat(flow.queued(1_000, 5_020)).isZero();
        assertThat(flow.queued(9_000, 5_020)).isEqualTo(8_000);
        assertThat(flow.queued(9_000, 13_020)).isZero();
    }

    @Test
    void aReceiverThatFallsBehindMovesItsDirectionToUserSpaceOnceTheKernelHasDeliveredEverything() {
        SplicedFlow flow = new SplicedFlow(0, 0, 0);
        assertThat(flow.shouldStop(4_000, 1_000, 4_096)).isFalse();
        assertThat(flow.state()).isEqualTo(SplicedFlow.State.KERNEL);
        assertThat(flow.drained(4_000, 4_000)).as("nothing to drain while still in the kernel").isFalse();

        assertThat(flow.shouldStop(10_000, 1_000, 4_096)).isTrue();
        assertThat(flow.state()).isEqualTo(SplicedFlow.State.DRAINING);
        assertThat(flow.shouldStop(20_000, 1_000, 4_096)).as("stops once").isFalse();

        assertThat(flow.drained(10_000, 9_999)).as("one byte still in the kernel").isFalse();
        assertThat(flow.drained(10_000, 10_000)).isTrue();
        assertThat(flow.state()).isEqualTo(SplicedFlow.State.USER);
        assertThat(flow.drained(10_000, 10_000)).as("hands over once").isFalse();
        assertThat(flow.shouldStop(90_000, 10_000, 4_096)).as("never back to the kernel").isFalse();
    }
}
