package dev.cairn.safekeeper.client;

import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.proto.safekeeper.v1.ReportDurableRequest;
import dev.cairn.proto.safekeeper.v1.StreamWalRequest;
import dev.cairn.proto.safekeeper.v1.WalChunk;
import dev.cairn.proto.safekeeper.v1.WalStreamGrpc;
import dev.cairn.safekeeper.api.ProtoCodec;
import dev.cairn.safekeeper.api.ProtocolVersion;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;

import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;

/**
 * A WAL reader's connection to one safekeeper: streams a timeline's committed WAL from an LSN, reports how far
 * the reader has made it durable (so the safekeeper may trim), and asks for the timeline's commit LSN. The
 * channel sends keepalives, so a dead or partitioned safekeeper breaks the stream rather than hanging it.
 */
public final class SafekeeperWalClient implements AutoCloseable {
    private final String address;
    private final ManagedChannel channel;

    /** @param address HOST:PORT of the safekeeper */
    public SafekeeperWalClient(String address) {
        AcceptorAddress a = AcceptorAddress.parse(0, address);
        this.address = address;
        this.channel = NettyChannelBuilder.forAddress(a.host(), a.port()).usePlaintext()
                .keepAliveTime(10, TimeUnit.SECONDS).keepAliveTimeout(5, TimeUnit.SECONDS)
                .keepAliveWithoutCalls(true).build();
    }

    public String address() {
        return address;
    }

    /** Opens the stream of {@code timeline}'s committed WAL from {@code start}; {@link WalStream#next} reads it. */
    public WalStream stream(TimelineKey timeline, Lsn start, String consumerId) {
        Context.CancellableContext ctx = Context.current().withCancellation();
        StreamWalRequest request = StreamWalRequest.newBuilder().setProtocolVersion(ProtocolVersion.CURRENT)
                .setTimeline(ProtoCodec.encode(timeline)).setStartLsn(start.value()).setConsumerId(consumerId).build();
        // the call belongs to the context current when it is made: cancelling ctx ends it from any thread
        Context previous = ctx.attach();
        try {
            Iterator<WalChunk> chunks = WalStreamGrpc.newBlockingStub(channel).streamWal(request);
            return new WalStream(address, chunks, start, ctx);
        } finally {
            ctx.detach(previous);
        }
    }

    /** Tells the safekeeper that this consumer holds {@code timeline}'s WAL durably up to {@code durable}. */
    public void reportDurable(TimelineKey timeline, String consumerId, Lsn durable, Duration timeout) {
        WalStreamGrpc.newBlockingStub(channel).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .reportDurable(ReportDurableRequest.newBuilder().setProtocolVersion(ProtocolVersion.CURRENT)
                        .setTimeline(ProtoCodec.encode(timeline)).setConsumerId(consumerId)
                        .setDurableLsn(durable.value()).build());
    }

    /** The safekeeper's commit LSN of {@code timeline}; {@link Lsn#INVALID} if it cannot say. */
    public Lsn commitLsn(TimelineKey timeline, Duration timeout) {
        try {
            return SafekeeperAdminClient.timelines(channel, timeout.toMillis()).stream()
                    .filter(t -> t.timeline().equals(timeline))
                    .map(SafekeeperAdminClient.TimelineState::commitLsn).findFirst().orElse(Lsn.INVALID);
        } catch (RuntimeException unreachable) {
            return Lsn.INVALID;
        }
    }

    @Override
    public void close() {
        channel.shutdownNow();
    }
}
