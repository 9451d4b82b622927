package dev.cairn.safekeeper.grpc;

import dev.cairn.safekeeper.api.MalformedMessageException;
import dev.cairn.safekeeper.api.ProtoCodec;
import dev.cairn.safekeeper.api.ProtocolVersion;
import dev.cairn.safekeeper.api.WalPayloadChecksum;

import com.google.protobuf.ByteString;
import dev.cairn.common.Lsn;
import dev.cairn.proto.safekeeper.v1.ReportDurableRequest;
import dev.cairn.proto.safekeeper.v1.ReportDurableResponse;
import dev.cairn.proto.safekeeper.v1.StreamWalRequest;
import dev.cairn.proto.safekeeper.v1.WalChunk;
import dev.cairn.proto.safekeeper.v1.WalStreamGrpc;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.service.TimelineAcceptor;
import dev.cairn.safekeeper.service.TimelineStatus;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;

/** Streams committed WAL (never beyond the commit LSN) to pageservers and peers. */
public final class WalStreamGrpcService extends WalStreamGrpc.WalStreamImplBase {
    private static final int CHUNK = 128 * 1024;

    private final SafekeeperNode node;

    public WalStreamGrpcService(SafekeeperNode node) {
        this.node = node;
    }

    @Override
    public void streamWal(StreamWalRequest request, StreamObserver<WalChunk> out) {
        if (!ProtocolVersion.accept(request.getProtocolVersion(), out)) {
            return;
        }
        TimelineAcceptor tl;
        try {
            tl = node.timeline(ProtoCodec.decode(request.getTimeline()));
        } catch (MalformedMessageException | RuntimeException e) {
            out.onError(GrpcErrors.status(e));
            return;
        }
        ServerCallStreamObserver<WalChunk> call = (ServerCallStreamObserver<WalChunk>) out;
        Context ctx = Context.current();
        Thread.ofVirtual().name("walstream-" + request.getConsumerId()).start(() -> {
            Lsn pos = Lsn.of(request.getStartLsn());
            try {
                TimelineStatus s = tl.status();
                if (pos.isBefore(s.timelineStartLsn())) {
                    out.onError(Status.OUT_OF_RANGE.withDescription("WAL before " + s.timelineStartLsn()
                            + " is not on this safekeeper").asRuntimeException());
                    return;
                }
                if (s.walStartLsn().isValid() && pos.isBefore(s.walStartLsn())) {
                    out.onError(Status.OUT_OF_RANGE.withDescription("WAL of " + s.timeline() + " before "
                            + s.walStartLsn() + " was removed after its consumers reported it durable; asked for "
                            + pos).asRuntimeException());
                    return;
                }
                while (!ctx.isCancelled() && !call.isCancelled()) {
                    Lsn commit = tl.awaitCommitAfter(pos, 1000);
                    if (!commit.isAfter(pos)) {
                        continue;
                    }
                    // Flow control: a consumer that does not read (paused, slow) must not make us buffer its WAL.
                    while (!call.isReady() && !call.isCancelled() && !ctx.isCancelled()) {
                        Thread.sleep(5);
                    }
                    Lsn to = pos.plus(Math.min(CHUNK, commit.minus(pos)));
                    byte[] data = tl.read(pos, to);
                    out.onNext(WalChunk.newBuilder().setBeginLsn(pos.value()).setWalData(ByteString.copyFrom(data))
                            .setWalCrc32C(WalPayloadChecksum.of(data))
                            .setCommitLsn(commit.value()).setTerm(tl.status().term()).build());
                    pos = to;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                if (!call.isCancelled()) {
                    out.onError(GrpcErrors.status(e));
                }
            }
        });
    }

    @Override
    public void reportDurable(ReportDurableRequest request, StreamObserver<ReportDurableResponse> out) {
        if (!ProtocolVersion.accept(request.getProtocolVersion(), out)) {
            return;
        }
        if (request.getConsumerId().isEmpty()) {
            out.onError(Status.INVALID_ARGUMENT.withDescription("consumer_id is required").asRuntimeException());
            return;
        }
        try {
            node.timeline(ProtoCodec.decode(request.getTimeline())).reportDurable(request.getConsumerId(),
                    Lsn.of(request.getDurableLsn()));
        } catch (MalformedMessageException | RuntimeException e) {
            out.onError(GrpcErrors.status(e));
            return;
        }
        out.onNext(ReportDurableResponse.getDefaultInstance());
        out.onCompleted();
    }
}
