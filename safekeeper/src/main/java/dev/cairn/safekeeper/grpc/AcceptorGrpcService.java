package dev.cairn.safekeeper.grpc;

import dev.cairn.safekeeper.api.MalformedMessageException;
import dev.cairn.safekeeper.api.ProtoCodec;
import dev.cairn.safekeeper.api.ProtocolVersion;

import dev.cairn.common.Lsn;
import dev.cairn.proto.safekeeper.v1.AcceptorGrpc;
import dev.cairn.proto.safekeeper.v1.AcceptorMessage;
import dev.cairn.proto.safekeeper.v1.Greeting;
import dev.cairn.proto.safekeeper.v1.GreetingResponse;
import dev.cairn.proto.safekeeper.v1.ProposerMessage;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.consensus.RefusalReason;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.service.TimelineAcceptor;
import dev.cairn.safekeeper.service.TimelineStatus;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Propose stream: a Greeting first (protocol version and timeline), then consensus messages handed
 * to the timeline's worker in stream order. Protocol violations are answered with a Refusal; a wrong
 * version or a missing greeting also ends the stream with FAILED_PRECONDITION.
 */
public final class AcceptorGrpcService extends AcceptorGrpc.AcceptorImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(AcceptorGrpcService.class);

    private final SafekeeperNode node;

    public AcceptorGrpcService(SafekeeperNode node) {
        this.node = node;
    }

    @Override
    public StreamObserver<ProposerMessage> propose(StreamObserver<AcceptorMessage> responses) {
        SerializedObserver out = new SerializedObserver(responses);
        return new StreamObserver<>() {
            private TimelineAcceptor timeline;

            @Override
            public void onNext(ProposerMessage m) {
                if (timeline == null) {
                    greet(m);
                    return;
                }
                TimelineStatus s = timeline.status();
                if (m.hasGreeting()) {
                    out.next(refusal(RefusalReason.PROTOCOL_ORDER, s, "a second greeting on one stream"));
                    return;
                }
                try {
                    timeline.submit(ProtoCodec.decode(m), reply -> out.next(ProtoCodec.encode(reply)));
                } catch (MalformedMessageException e) {
                    out.next(refusal(RefusalReason.MALFORMED, s, e.getMessage()));
                } catch (IllegalStateException e) {
                    out.error(GrpcErrors.status(e));
                }
            }

            private void greet(ProposerMessage m) {
                if (!m.hasGreeting()) {
                    refuseAndClose(RefusalReason.PROTOCOL_ORDER, "the first message of a stream must be a Greeting");
                    return;
                }
                Greeting g = m.getGreeting();
                if (!ProtocolVersion.supported(g.getProtocolVersion())) {
                    refuseAndClose(RefusalReason.UNSUPPORTED_VERSION, ProtocolVersion.refusal(g.getProtocolVersion()));
                    return;
                }
                TimelineKey key;
                try {
                    key = ProtoCodec.decode(g.getTimeline());
                } catch (MalformedMessageException e) {
                    refuseAndClose(RefusalReason.WRONG_TIMELINE, e.getMessage());
                    return;
                }
                try {
                    timeline = node.timeline(key);
                } catch (RuntimeException e) { // e.g. the tenant's keys are revoked: its WAL cannot be opened
                    LOG.warn("proposer {} refused for timeline {}: {}", g.getProposerId(), key, e.getMessage());
                    out.error(GrpcErrors.status(e));
                    return;
                }
                LOG.info("proposer {} connected for timeline {}", g.getProposerId(), key);
                out.next(AcceptorMessage.newBuilder().setGreetingResponse(GreetingResponse.newBuilder()
                        .setProtocolVersion(ProtocolVersion.CURRENT).setNodeId(node.nodeId())
                        .setTerm(timeline.status().term())).build());
            }

            private void refuseAndClose(RefusalReason reason, String message) {
                out.next(AcceptorMessage.newBuilder().setRefusal(ProtoCodec.refusal(reason, 0, message,
                        Lsn.INVALID, Lsn.INVALID)).build());
                out.error(Status.FAILED_PRECONDITION.withDescription(message).asRuntimeException());
            }

            @Override
            public void onError(Throwable t) {
                out.close();
            }

            @Override
            public void onCompleted() {
                out.complete();
            }
        };
    }

    private static AcceptorMessage refusal(RefusalReason reason, TimelineStatus s, String message) {
        return AcceptorMessage.newBuilder().setRefusal(ProtoCodec.refusal(reason, s.term(), message, s.flushLsn(),
                s.flushLsn())).build();
    }
}
