package dev.cairn.safekeeper.grpc;

import dev.cairn.safekeeper.api.ProtoCodec;
import dev.cairn.safekeeper.api.ProtocolVersion;

import dev.cairn.common.Lsn;
import dev.cairn.proto.safekeeper.v1.ReportDurableRequest;
import dev.cairn.proto.safekeeper.v1.StreamWalRequest;
import dev.cairn.proto.safekeeper.v1.WalChunk;
import dev.cairn.proto.safekeeper.v1.WalStreamGrpc;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.client.SafekeeperAdminClient;
import dev.cairn.proposer.ProposerDriver;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * WAL retention: a safekeeper removes WAL segments only once they lie wholly below what its consumers
 * report durable, the commit LSN and the peer horizon; streams from below answer OUT_OF_RANGE; a stale
 * report never brings anything back into question, and a report beyond the commit LSN removes nothing
 * above it.
 */
class WalRetentionTest {
    private static final int SEG = 1 << 20;
    private static final TimelineKey TL = new TimelineKey(Id128.random(), Id128.random());
    private static final Lsn START = Lsn.of(0x2000028L);

    @TempDir
    Path dir;

    private LocalSafekeepers safekeepers;
    private ProposerDriver proposer;
    private ManagedChannel channel;

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.shutdownNow();
        }
        if (proposer != null) {
            proposer.close();
        }
        if (safekeepers != null) {
            safekeepers.close();
        }
    }

    @Test
    void segmentsBelowTheDurableHorizonAreRemovedAndStayRemoved() throws Exception {
        safekeepers = new LocalSafekeepers(dir, 3, SEG);
        safekeepers.startAll();
        proposer = safekeepers.proposer(TL, "p", START);
        proposer.awaitLeading(10_000);
        Random r = new Random(3);
        Lsn end = START;
        while (end.minus(START) < 5L * SEG) {
            byte[] d = new byte[64 * 1024];
            r.nextBytes(d);
            proposer.appendWal(end, d);
            end = end.plus(d.length);
        }
        proposer.awaitCommit(end, 20_000);
        // the peer horizon reaches the safekeepers with the next appends
        byte[] tail = new byte[100];
        proposer.appendWal(end, tail);
        end = end.plus(tail.length);
        proposer.awaitCommit(end, 10_000);

        channel = NettyChannelBuilder.forAddress("127.0.0.1", safekeepers.port(0)).usePlaintext().build();
        // a commit needs 2 of 3: wait until this safekeeper has flushed everything too
        long flushDeadline = System.currentTimeMillis() + 10_000;
        try (SafekeeperAdminClient admin = new SafekeeperAdminClient("127.0.0.1", safekeepers.port(0))) {
            while (admin.timelines().getFirst().flushLsn().isBefore(end) && System.currentTimeMillis() < flushDeadline) {
                Thread.sleep(20);
            }
        }
        int before = segmentFiles(0);
        assertThat(before).isGreaterThanOrEqualTo(6);

        Lsn durable = Lsn.of(START.value() + 3L * SEG + 12345); // inside the 4th segment of the timeline
        long firstKept = durable.value() / SEG * SEG;
        SafekeeperAdminClient.TimelineState state;
        // The horizon is also bounded by what every peer has flushed, which this safekeeper learns from the
        // proposer's next appends: keep appending a little and reporting until it has caught up.
        long deadline = System.currentTimeMillis() + 10_000;
        while (true) {
            report(durable);
            try (SafekeeperAdminClient admin = new SafekeeperAdminClient("127.0.0.1", safekeepers.port(0))) {
                state = admin.timelines().getFirst();
            }
            if (state.walStartLsn().equals(Lsn.of(firstKept)) || System.currentTimeMillis() > deadline) {
                break;
            }
            proposer.appendWal(end, tail);
            end = end.plus(tail.length);
            proposer.awaitCommit(end, 10_000);
        }
        assertThat(state.walStartLsn()).isEqualTo(Lsn.of(firstKept));
        try (SafekeeperAdminClient admin = new SafekeeperAdminClient("127.0.0.1", safekeepers.port(0))) {
            dev.cairn.metrics.PrometheusText metrics = dev.cairn.metrics.PrometheusText.parse(admin.metrics());
            assertThat(metrics.value("cairn_safekeeper_wal_segments_removed_total")).isEqualTo(3.0);
            assertThat(metrics.find("cairn_safekeeper_refusals_total", java.util.Map.of())).isPresent();
            assertThat(metrics.value("cairn_safekeeper_group_commits_total")).isPositive();
            assertThat(metrics.value("cairn_safekeeper_append_requests_total")).isPositive();
            assertThat(metrics.value("cairn_safekeeper_append_duration_seconds_count")).isPositive();
            assertThat(metrics.value("cairn_safekeeper_flush_duration_seconds_count")).isPositive();
        }
        assertThat(state.durableLsn()).isEqualTo(durable);
        assertThat(segmentFiles(0)).isEqualTo(before - (int) ((firstKept - START.value() / SEG * SEG) / SEG));

        // streaming from removed WAL is refused clearly; from kept WAL it works
        assertThatThrownBy(() -> stream(START).hasNext()).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.OUT_OF_RANGE);
            assertThat(e.getStatus().getDescription()).contains("removed").contains(Lsn.of(firstKept).toString());
        });
        WalChunk chunk = stream(durable).next();
        assertThat(chunk.getBeginLsn()).isEqualTo(durable.value());

        // a stale report moves nothing back; one beyond the commit LSN removes nothing above it
        int afterFirst = segmentFiles(0);
        report(START);
        assertThat(segmentFiles(0)).isEqualTo(afterFirst);
        report(Lsn.of(end.value() + 10L * SEG));
        Lsn commit = proposer.commitLsn();
        try (SafekeeperAdminClient admin = new SafekeeperAdminClient("127.0.0.1", safekeepers.port(0))) {
            state = admin.timelines().getFirst();
        }
        assertThat(state.walStartLsn()).isLessThanOrEqualTo(commit);
        assertThat(state.flushLsn()).isEqualTo(end);
        assertThat(segmentFiles(0)).isPositive();

        // a restart keeps the WAL that is left, and nothing that was removed comes back
        Lsn startBeforeRestart = state.walStartLsn();
        channel.shutdownNow();
        safekeepers.stop(0);
        safekeepers.start(0);
        channel = NettyChannelBuilder.forAddress("127.0.0.1", safekeepers.port(0)).usePlaintext().build();
        try (SafekeeperAdminClient admin = new SafekeeperAdminClient("127.0.0.1", safekeepers.port(0))) {
            SafekeeperAdminClient.TimelineState restarted = admin.timelines().getFirst();
            assertThat(restarted.walStartLsn()).isEqualTo(startBeforeRestart);
            assertThat(restarted.flushLsn()).isEqualTo(end);
        }
    }

    private void report(Lsn lsn) {
        WalStreamGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).reportDurable(
                ReportDurableRequest.newBuilder().setProtocolVersion(ProtocolVersion.CURRENT)
                        .setTimeline(ProtoCodec.encode(TL)).setConsumerId("test-pageserver")
                        .setDurableLsn(lsn.value()).build());
    }

    private Iterator<WalChunk> stream(Lsn from) {
        return WalStreamGrpc.newBlockingStub(channel).withDeadlineAfter(5, TimeUnit.SECONDS).streamWal(
                StreamWalRequest.newBuilder().setProtocolVersion(ProtocolVersion.CURRENT)
                        .setTimeline(ProtoCodec.encode(TL)).setStartLsn(from.value()).setConsumerId("test").build());
    }

    private int segmentFiles(int server) throws Exception {
        try (Stream<Path> files = Files.walk(safekeepers.dataDir(server))) {
            return (int) files.filter(p -> p.getFileName().toString().endsWith(".cwal")).count();
        }
    }
}
