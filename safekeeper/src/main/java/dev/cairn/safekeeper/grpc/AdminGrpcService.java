package dev.cairn.safekeeper.grpc;

import dev.cairn.safekeeper.api.ProtoCodec;
import dev.cairn.safekeeper.api.ProtocolVersion;

import dev.cairn.proto.safekeeper.v1.MetricsRequest;
import dev.cairn.proto.safekeeper.v1.MetricsResponse;
import dev.cairn.proto.safekeeper.v1.AdminGrpc;
import dev.cairn.proto.safekeeper.v1.TimelineStatusRequest;
import dev.cairn.proto.safekeeper.v1.TimelineStatusResponse;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.service.TimelineAcceptor;
import dev.cairn.safekeeper.service.TimelineStatus;
import io.grpc.stub.StreamObserver;

/** Per-timeline status (term, flush and commit LSN, WAL retention) and the process's metrics. */
public final class AdminGrpcService extends AdminGrpc.AdminImplBase {
    private final SafekeeperNode node;

    public AdminGrpcService(SafekeeperNode node) {
        this.node = node;
    }

    @Override
    public void status(TimelineStatusRequest request, StreamObserver<TimelineStatusResponse> out) {
        if (!ProtocolVersion.accept(request.getProtocolVersion(), out)) {
            return;
        }
        TimelineStatusResponse.Builder b = TimelineStatusResponse.newBuilder().setNodeId(node.nodeId());
        for (TimelineAcceptor t : node.timelines()) {
            TimelineStatus s = t.status();
            if (request.hasTimeline() && !ProtoCodec.encode(s.timeline()).equals(request.getTimeline())) {
                continue;
            }
            b.addTimelines(dev.cairn.proto.safekeeper.v1.TimelineStatus.newBuilder()
                    .setTimeline(ProtoCodec.encode(s.timeline())).setTerm(s.term()).setLastLogTerm(s.lastLogTerm())
                    .setFlushLsn(s.flushLsn().value()).setCommitLsn(s.commitLsn().value())
                    .setPeerHorizonLsn(s.peerHorizonLsn().value()).setTimelineStartLsn(s.timelineStartLsn().value())
                    .setWalBytes(s.walBytes()).setWalStartLsn(s.walStartLsn().value())
                    .setDurableLsn(s.durableLsn().value()));
        }
        out.onNext(b.build());
        out.onCompleted();
    }

    @Override
    public void metrics(MetricsRequest request, StreamObserver<MetricsResponse> out) {
        if (!ProtocolVersion.accept(request.getProtocolVersion(), out)) {
            return;
        }
        out.onNext(MetricsResponse.newBuilder().setPrometheusText(node.metrics().scrape()).build());
        out.onCompleted();
    }
}
