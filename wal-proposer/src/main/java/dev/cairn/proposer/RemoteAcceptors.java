package dev.cairn.proposer;

import dev.cairn.safekeeper.client.AcceptorAddress;

import dev.cairn.proto.safekeeper.v1.AcceptorGrpc;
import dev.cairn.proto.safekeeper.v1.AcceptorMessage;
import dev.cairn.proto.safekeeper.v1.Greeting;
import dev.cairn.proto.safekeeper.v1.ProposerMessage;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.consensus.ProposerTransport;
import dev.cairn.safekeeper.api.MalformedMessageException;
import dev.cairn.safekeeper.api.ProtoCodec;
import dev.cairn.safekeeper.api.ProtocolVersion;
import dev.cairn.safekeeper.consensus.Acceptor;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Propose streams to the acceptors. A stream is opened (with its Greeting) on the first send and
 * reopened on the first send after it broke; what was in flight is lost, and the proposer's ticks
 * retransmit. Incoming messages go to the {@link Inbox}.
 */
public final class RemoteAcceptors implements ProposerTransport, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteAcceptors.class);

    /** Receives acceptor messages and greeting terms, on gRPC threads. */
    public interface Inbox {
        void greeted(int acceptor, long term);

        void received(int acceptor, dev.cairn.safekeeper.consensus.AcceptorMessage message);
    }

    private final TimelineKey timeline;
    private final String proposerId;
    private final Inbox inbox;
    private final Map<Integer, ManagedChannel> channels = new HashMap<>();
    private final Map<Integer, StreamObserver<ProposerMessage>> streams = new HashMap<>();
    /** When each stream was opened or last delivered a message (nanoTime). */
    private final Map<Integer, Long> lastHeard = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * Why each acceptor last ended its stream (its keys are revoked, its disk is full), and when. Kept after
     * it answers again: an acceptor that fails each write after a good greeting would otherwise show no error
     * half the time.
     */
    private final Map<Integer, StreamError> lastError = new java.util.concurrent.ConcurrentSkipListMap<>();

    private record StreamError(String status, long atNanos) {
        @Override
        public String toString() {
            return status + String.format(" (%.1f s ago)", (System.nanoTime() - atNanos) / 1e9);
        }
    }

    public RemoteAcceptors(TimelineKey timeline, String proposerId, List<AcceptorAddress> acceptors, Inbox inbox) {
        this.timeline = timeline;
        this.proposerId = proposerId;
        this.inbox = inbox;
        for (AcceptorAddress a : acceptors) {
            channels.put(a.id(), NettyChannelBuilder.forAddress(a.host(), a.port()).usePlaintext()
                    .maxInboundMessageSize(Acceptor.MAX_WAL_PER_MESSAGE + 64 * 1024).build());
        }
    }

    /** The acceptors whose stream failed, with the status they last gave and its age: "{}" when none did. */
    public String describeErrors() {
        return lastError.toString();
    }

    /** Opens every stream now (greetings tell the proposer the acceptors' terms). */
    public synchronized void connectAll() {
        for (int id : channels.keySet()) {
            stream(id);
        }
    }

    @Override
    public synchronized void send(int acceptor, dev.cairn.safekeeper.consensus.ProposerMessage message) {
        StreamObserver<ProposerMessage> s = stream(acceptor);
        try {
            s.onNext(ProtoCodec.encode(message));
        } catch (RuntimeException e) {
            streams.remove(acceptor);
        }
    }

    private StreamObserver<ProposerMessage> stream(int id) {
        StreamObserver<ProposerMessage> s = streams.get(id);
        if (s != null) {
            return s;
        }
        StreamObserver<ProposerMessage>[] self = new StreamObserver[1];
        s = AcceptorGrpc.newStub(channels.get(id)).propose(new StreamObserver<>() {
            @Override
            public void onNext(AcceptorMessage m) {
                lastHeard.put(id, System.nanoTime());
                if (m.hasGreetingResponse()) {
                    inbox.greeted(id, m.getGreetingResponse().getTerm());
                    return;
                }
                try {
                    inbox.received(id, ProtoCodec.decode(m));
                } catch (MalformedMessageException e) {
                    LOG.warn("safekeeper {} sent a malformed message: {}", id, e.getMessage());
                }
            }

            @Override
            public void onError(Throwable t) {
                LOG.debug("stream to safekeeper {} broke: {}", id, t.toString());
                io.grpc.Status st = io.grpc.Status.fromThrowable(t);
                lastError.put(id, new StreamError(st.getCode() + (st.getDescription() == null ? "" : ": " + st.getDescription()),
                        System.nanoTime()));
                dropped(id, self[0]);
            }

            @Override
            public void onCompleted() {
                dropped(id, self[0]);
            }
        });
        self[0] = s;
        lastHeard.put(id, System.nanoTime());
        s.onNext(ProposerMessage.newBuilder().setGreeting(Greeting.newBuilder()
                .setProtocolVersion(ProtocolVersion.CURRENT).setTimeline(ProtoCodec.encode(timeline))
                .setProposerId(proposerId)).build());
        streams.put(id, s);
        return s;
    }

    /**
     * Called periodically: wakes idle channels (after a failure gRPC waits for a new call before it
     * reconnects) and abandons streams silent for {@code silenceMillis} — the proposer heartbeats, so
     * silence means the call is stuck behind a dead connection.
     */
    public synchronized void maintain(long silenceMillis) {
        long now = System.nanoTime();
        for (Map.Entry<Integer, ManagedChannel> e : channels.entrySet()) {
            int id = e.getKey();
            e.getValue().getState(true);
            StreamObserver<ProposerMessage> s = streams.get(id);
            Long heard = lastHeard.get(id);
            if (s != null && heard != null && now - heard > TimeUnit.MILLISECONDS.toNanos(silenceMillis)) {
                streams.remove(id);
                if (s instanceof io.grpc.stub.ClientCallStreamObserver<ProposerMessage> c) {
                    c.cancel("no answer for " + silenceMillis + " ms", null);
                }
            }
        }
    }

    private synchronized void dropped(int id, StreamObserver<ProposerMessage> s) {
        if (streams.get(id) == s) {
            streams.remove(id);
        }
    }

    @Override
    public synchronized void close() {
        for (StreamObserver<ProposerMessage> s : streams.values()) {
            try {
                s.onCompleted();
            } catch (RuntimeException ignored) {
                // already broken
            }
        }
        streams.clear();
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
            try {
                c.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
