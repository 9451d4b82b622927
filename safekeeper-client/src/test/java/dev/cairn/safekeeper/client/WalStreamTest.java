package dev.cairn.safekeeper.client;

import com.google.protobuf.ByteString;
import dev.cairn.common.Id128;
import dev.cairn.common.Lsn;
import dev.cairn.common.TimelineKey;
import dev.cairn.proto.safekeeper.v1.StreamWalRequest;
import dev.cairn.proto.safekeeper.v1.WalChunk;
import dev.cairn.proto.safekeeper.v1.WalStreamGrpc;
import dev.cairn.safekeeper.api.WalPayloadChecksum;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The reader's side of the WAL stream, against a gRPC server on loopback that sends the chunks a test gives it. */
class WalStreamTest {
    static final TimelineKey TIMELINE = new TimelineKey(Id128.random(), Id128.random());

    final AtomicReference<List<WalChunk>> toSend = new AtomicReference<>(List.of());
    final AtomicReference<StreamWalRequest> received = new AtomicReference<>();
    Server server;

    SafekeeperWalClient start(List<WalChunk> chunks) throws Exception {
        toSend.set(chunks);
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(new WalStreamGrpc.WalStreamImplBase() {
                    @Override
                    public void streamWal(StreamWalRequest request, StreamObserver<WalChunk> out) {
                        received.set(request);
                        toSend.get().forEach(out::onNext);
                        out.onCompleted();
                    }
                }).build().start();
        return new SafekeeperWalClient("127.0.0.1:" + server.getPort());
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.shutdownNow();
        }
    }

    static WalChunk chunk(long begin, byte[] data) {
        return WalChunk.newBuilder().setBeginLsn(begin).setWalData(ByteString.copyFrom(data)).setCommitLsn(begin + data.length)
                .setWalCrc32C(WalPayloadChecksum.of(data)).build();
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (seed + i);
        }
        return b;
    }

    static List<WalStream.WalPiece> readAll(WalStream stream) {
        List<WalStream.WalPiece> out = new ArrayList<>();
        for (WalStream.WalPiece p = stream.next(); p != null; p = stream.next()) {
            out.add(p);
        }
        return out;
    }

    @Test
    void piecesAreContiguousWithResentWalTrimmed() throws Exception {
        byte[] all = bytes(300, 7);
        // from 1000: the first chunk starts before the reader's start, the third re-sends part of the second
        List<WalChunk> chunks = List.of(chunk(900, bytes(200, 0)), chunk(1100, java.util.Arrays.copyOfRange(all, 100, 200)),
                chunk(1150, java.util.Arrays.copyOfRange(all, 150, 300)), chunk(1200, java.util.Arrays.copyOfRange(all, 200, 250)));
        try (SafekeeperWalClient client = start(chunks); WalStream stream = client.stream(TIMELINE, Lsn.of(1000), "test")) {
            List<WalStream.WalPiece> pieces = readAll(stream);
            assertThat(received.get().getStartLsn()).isEqualTo(1000);
            assertThat(received.get().getConsumerId()).isEqualTo("test");
            assertThat(pieces).extracting(p -> p.begin().value()).containsExactly(1000L, 1100L, 1200L);
            assertThat(pieces.get(0).data()).isEqualTo(java.util.Arrays.copyOfRange(bytes(200, 0), 100, 200));
            assertThat(pieces.get(1).data()).isEqualTo(java.util.Arrays.copyOfRange(all, 100, 200));
            assertThat(pieces.get(2).data()).isEqualTo(java.util.Arrays.copyOfRange(all, 200, 300));
            assertThat(pieces.get(2).end()).isEqualTo(Lsn.of(1300));
            assertThat(pieces.get(2).commitLsn()).isEqualTo(Lsn.of(1300));
        }
    }

    @Test
    void aGapIsADamagedStream() throws Exception {
        try (SafekeeperWalClient client = start(List.of(chunk(1000, bytes(10, 1)), chunk(1020, bytes(10, 2))));
             WalStream stream = client.stream(TIMELINE, Lsn.of(1000), "test")) {
            assertThat(stream.next().begin()).isEqualTo(Lsn.of(1000));
            assertThatThrownBy(stream::next).isInstanceOf(WalStreamException.class)
                    .hasMessageContaining("after a gap").hasMessageContaining(Lsn.of(1020).toString())
                    .hasMessageContaining(Lsn.of(1010).toString());
        }
    }

    @Test
    void aBadChecksumIsADamagedStream() throws Exception {
        WalChunk damaged = chunk(1000, bytes(64, 3)).toBuilder().setWalData(ByteString.copyFrom(bytes(64, 4))).build();
        try (SafekeeperWalClient client = start(List.of(damaged)); WalStream stream = client.stream(TIMELINE, Lsn.of(1000), "test")) {
            assertThatThrownBy(stream::next).isInstanceOf(WalStreamException.class).hasMessageContaining("CRC-32C");
        }
    }
}
