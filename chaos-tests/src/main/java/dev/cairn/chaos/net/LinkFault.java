package dev.cairn.chaos.net;

import java.time.Duration;

/** What a {@link FaultyRelay} does to the bytes of its link right now. */
public sealed interface LinkFault {
    /** Forward everything. */
    record Pass() implements LinkFault {
        @Override
        public String toString() {
            return "pass";
        }
    }

    /** A partition the peers notice: open connections are reset and new ones are closed at once. */
    record Cut() implements LinkFault {
        @Override
        public String toString() {
            return "cut";
        }
    }

    /**
     * A silent partition: connections stay open and nothing gets through. As on a real network under TCP,
     * what was sent is held back, never lost from the middle of a stream: it arrives in order when the link
     * heals, and is gone only with the connection when the link is cut.
     */
    record Blackhole() implements LinkFault {
        @Override
        public String toString() {
            return "blackhole";
        }
    }

    /** Every chunk is held back for {@code delay} before it is forwarded, in order. */
    record Delay(Duration delay) implements LinkFault {
        @Override
        public String toString() {
            return "delay " + delay.toMillis() + "ms";
        }
    }

    /** An asymmetric partition: bytes flow only in {@code direction}; the other way they are held as in a blackhole. */
    record OneWay(Direction direction) implements LinkFault {
        @Override
        public String toString() {
            return "one-way " + direction.name().toLowerCase().replace('_', '-');
        }
    }

    /** The two directions of a relayed link. */
    enum Direction { CLIENT_TO_UPSTREAM, UPSTREAM_TO_CLIENT }

    LinkFault PASS = new Pass();
    LinkFault CUT = new Cut();
    LinkFault BLACKHOLE = new Blackhole();
}
