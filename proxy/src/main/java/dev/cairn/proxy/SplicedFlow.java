package dev.cairn.proxy;

/**
 * One direction of a session the kernel forwards, from a sending socket to a receiving one: how many bytes
 * the kernel has taken from the sender but not yet put into the receiver (its redirect queue, which has no
 * bound), and the way back to user space when that grows. Pure bookkeeping on byte counters read from
 * both sockets; counters are read receiver first, so a transfer in between can only overstate the queue.
 *
 * <p>KERNEL: forwarded in the kernel. When the queue passes the limit the sender's route is removed
 * (DRAINING): its new bytes wait in its socket, where TCP flow control holds its writer back. Once the
 * queue is empty, the relay handler forwards the rest in user space (USER), in order behind what the
 * kernel delivered. A direction never goes back to the kernel: a reader that fell behind once may again.
 */
final class SplicedFlow {
    enum State { KERNEL, DRAINING, USER }

    private final long takenBase;
    private final long putBase;
    private final long ownWrites;
    private State state = State.KERNEL;

    /**
     * @param takenFromSender  bytes taken from the sender's socket when the splice began
     * @param putIntoReceiver  bytes put into the receiver's socket when the splice began
     * @param ownWrites        bytes the proxy itself writes to the receiver after that (its own messages)
     */
    SplicedFlow(long takenFromSender, long putIntoReceiver, long ownWrites) {
        this.takenBase = takenFromSender;
        this.putBase = putIntoReceiver;
        this.ownWrites = ownWrites;
    }

    State state() {
        return state;
    }

    /**
     * Bytes in transit inside the kernel. What the relay handler forwarded in user space was both taken
     * from the sender and put into the receiver, so it cancels out.
     */
    long queued(long takenFromSender, long putIntoReceiver) {
        return (takenFromSender - takenBase) - (putIntoReceiver - putBase - ownWrites);
    }

    /** KERNEL with the queue over {@code limit}: stop forwarding; returns whether the caller must now do so. */
    boolean shouldStop(long takenFromSender, long putIntoReceiver, long limit) {
        if (state == State.KERNEL && queued(takenFromSender, putIntoReceiver) > limit) {
            state = State.DRAINING;
            return true;
        }
        return false;
    }

    /** DRAINING with nothing left in the kernel: user space takes over; returns whether it must now. */
    boolean drained(long takenFromSender, long putIntoReceiver) {
        if (state == State.DRAINING && queued(takenFromSender, putIntoReceiver) <= 0) {
            state = State.USER;
            return true;
        }
        return false;
    }
}
