package dev.cairn.safekeeper.client;

import dev.cairn.common.Lsn;
import dev.cairn.proto.safekeeper.v1.AdminGrpc;
import dev.cairn.proto.safekeeper.v1.TimelineStatusRequest;
import dev.cairn.proto.safekeeper.v1.TimelineStatusResponse;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.api.MalformedMessageException;
import dev.cairn.safekeeper.api.ProtoCodec;
import dev.cairn.safekeeper.api.ProtocolVersion;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Asks a safekeeper's Admin service for the state of its timelines (for status commands and tests). */
public final class SafekeeperAdminClient implements AutoCloseable {
    /** One timeline on one safekeeper. */
    public record TimelineState(TimelineKey timeline, long term, Lsn flushLsn, Lsn commitLsn, Lsn timelineStartLsn,
                                long walBytes, Lsn walStartLsn, Lsn durableLsn) {
    }

    private final ManagedChannel channel;

    public SafekeeperAdminClient(String host, int port) {
        this.channel = NettyChannelBuilder.forAddress(host, port).usePlaintext().build();
    }

    public long nodeId() {
        return call().getNodeId();
    }

    public List<TimelineState> timelines() {
        return timelines(channel, 3000);
    }

    /** The timelines of the safekeeper behind {@code channel} (a channel the caller owns). */
    public static List<TimelineState> timelines(ManagedChannel channel, long timeoutMillis) {
        TimelineStatusResponse status = AdminGrpc.newBlockingStub(channel).withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS)
                .status(TimelineStatusRequest.newBuilder().setProtocolVersion(ProtocolVersion.CURRENT).build());
        List<TimelineState> out = new ArrayList<>();
        for (var t : status.getTimelinesList()) {
            try {
                out.add(new TimelineState(ProtoCodec.decode(t.getTimeline()), t.getTerm(), Lsn.of(t.getFlushLsn()),
                        Lsn.of(t.getCommitLsn()), Lsn.of(t.getTimelineStartLsn()), t.getWalBytes(),
                        Lsn.of(t.getWalStartLsn()), Lsn.of(t.getDurableLsn())));
            } catch (MalformedMessageException e) {
                throw new IllegalStateException("safekeeper sent a malformed timeline id: " + e.getMessage(), e);
            }
        }
        return out;
    }

    /** The safekeeper's counters in the Prometheus text format. */
    public String metrics() {
        return AdminGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS)
                .metrics(dev.cairn.proto.safekeeper.v1.MetricsRequest.newBuilder()
                        .setProtocolVersion(ProtocolVersion.CURRENT).build()).getPrometheusText();
    }

    private TimelineStatusResponse call() {
        return AdminGrpc.newBlockingStub(channel).withDeadlineAfter(3, TimeUnit.SECONDS)
                .status(TimelineStatusRequest.newBuilder().setProtocolVersion(ProtocolVersion.CURRENT).build());
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
