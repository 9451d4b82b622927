package dev.cairn.safekeeper.grpc;

import dev.cairn.safekeeper.api.ProtoCodec;

import dev.cairn.common.Lsn;
import dev.cairn.proto.safekeeper.v1.AcceptorGrpc;
import dev.cairn.proto.safekeeper.v1.AcceptorMessage;
import dev.cairn.proto.safekeeper.v1.AdminGrpc;
import dev.cairn.proto.safekeeper.v1.Greeting;
import dev.cairn.proto.safekeeper.v1.ProposerMessage;
import dev.cairn.proto.safekeeper.v1.Refusal;
import dev.cairn.proto.safekeeper.v1.TimelineStatusRequest;
import dev.cairn.proto.safekeeper.v1.VoteRequest;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.consensus.ProposerPhase;
import dev.cairn.proposer.ProposerDriver;
import dev.cairn.safekeeper.storage.WalStore;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Three safekeepers on 127.0.0.1 and proposers talking gRPC to them. */
class GrpcClusterTest {
    private static final int SEG = 1 << 20;
    private static final TimelineKey TL = new TimelineKey(Id128.random(), Id128.random());
    private static final Lsn START = Lsn.of(0x2000028L);

    @TempDir
    Path dir;

    private LocalSafekeepers safekeepers;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private LocalSafekeepers safekeepers() {
        if (safekeepers == null) {
            safekeepers = new LocalSafekeepers(dir, 3, SEG);
        }
        return safekeepers;
    }

    private ProposerDriver proposer(String name) {
        ProposerDriver p = safekeepers().proposer(TL, name, START);
        closeables.add(p);
        return p;
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (safekeepers != null) {
            safekeepers.close();
        }
    }

    @Test
    void commitsSurviveOneSafekeeperDownBlockWithTwoAndResume() throws Exception {
        safekeepers().startAll();
        ProposerDriver p = proposer("p1");
        assertThat(p.awaitLeading(10_000)).isEqualTo(START);
        Random r = new Random(7);
        Lsn end = START;
        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            byte[] d = new byte[1 + r.nextInt(3000)];
            r.nextBytes(d);
            written.add(d);
            p.appendWal(end, d);
            end = end.plus(d.length);
        }
        p.awaitCommit(end, 10_000);

        safekeepers.stop(2);
        for (int i = 0; i < 20; i++) {
            byte[] d = new byte[2000];
            r.nextBytes(d);
            written.add(d);
            p.appendWal(end, d);
            end = end.plus(d.length);
        }
        p.awaitCommit(end, 10_000); // one down: still a quorum

        safekeepers.stop(1);
        byte[] blocked = new byte[500];
        written.add(blocked);
        p.appendWal(end, blocked);
        Lsn blockedEnd = end.plus(blocked.length);
        assertThatThrownBy(() -> p.awaitCommit(blockedEnd, 1500)).isInstanceOf(TimeoutException.class);
        assertThat(p.commitLsn()).isEqualTo(end);

        safekeepers.start(1); // same data dir and port: it comes back with what it had
        try {
            p.awaitCommit(blockedEnd, 15_000);
        } catch (TimeoutException e) {
            StringBuilder dump = new StringBuilder(p.describe());
            Thread.getAllStackTraces().forEach((t, st) -> {
                if (t.getName().startsWith("proposer")) {
                    dump.append("\n").append(t.getName()).append(" ").append(t.getState());
                    for (StackTraceElement el : st) {
                        dump.append("\n  at ").append(el);
                    }
                }
            });
            throw new AssertionError(dump.toString(), e);
        }
        assertThat(p.phase()).isEqualTo(ProposerPhase.LEADING);

        // Every byte up to the commit LSN is durably on at least two safekeepers.
        byte[] all = concat(written);
        int holding = 0;
        for (int i = 0; i < 3; i++) {
            if (safekeepers.isRunning(i)) {
                safekeepers.stop(i);
            }
            try (WalStore w = safekeepers.openWal(i, TL)) {
                if (!w.end().isBefore(blockedEnd) && java.util.Arrays.equals(w.read(START, blockedEnd), all)) {
                    holding++;
                }
            }
        }
        assertThat(holding).isGreaterThanOrEqualTo(2);
    }

    @Test
    void corruptedWalOnOneSafekeeperIsCutAndRefilledFromThePeersWhileCommitsContinue() throws Exception {
        safekeepers().startAll();
        ProposerDriver p = proposer("p1");
        assertThat(p.awaitLeading(10_000)).isEqualTo(START);
        Random r = new Random(11);
        Lsn end = START;
        List<byte[]> written = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            byte[] d = new byte[20_000];
            r.nextBytes(d);
            written.add(d);
            p.appendWal(end, d);
            end = end.plus(d.length);
        }
        p.awaitCommit(end, 10_000);

        // safekeeper 2 goes down; a bit of its stored WAL flips (ciphertext of its last segment)
        safekeepers.stop(2);
        Path victim;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(safekeepers.dataDir(2))) {
            victim = files.filter(f -> f.getFileName().toString().endsWith(".cwal")).sorted().reduce((a, b) -> b).orElseThrow();
        }
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(victim.toFile(), "rw")) {
            long at = f.length() / 2;
            f.seek(at);
            int b = f.read();
            f.seek(at);
            f.write(b ^ 0x40);
        }
        try (WalStore w = safekeepers.openWal(2, TL)) { // recovery finds the damage and cuts the tail from it
            assertThat(w.recovery().cutBytes()).isPositive();
            assertThat(w.end()).isLessThan(end);
        }
        // commits continue meanwhile, and the damaged safekeeper comes back: its tail is cut and refilled
        for (int i = 0; i < 20; i++) {
            byte[] d = new byte[5_000];
            r.nextBytes(d);
            written.add(d);
            p.appendWal(end, d);
            end = end.plus(d.length);
        }
        p.awaitCommit(end, 10_000);
        safekeepers.start(2);
        try (SafekeeperAdminClientProbe probe = new SafekeeperAdminClientProbe(safekeepers.port(2))) {
            Lsn target = end;
            long deadline = System.currentTimeMillis() + 20_000;
            while (probe.flushLsn().isBefore(target)) {
                assertThat(System.currentTimeMillis()).as("safekeeper 2 refilled to %s: %s", target, p.describe())
                        .isLessThan(deadline);
                Thread.sleep(50);
            }
        }
        p.close();
        safekeepers.stop(2);
        try (WalStore w = safekeepers.openWal(2, TL)) {
            assertThat(w.recovery().cutBytes()).isZero();
            assertThat(w.read(START, end)).isEqualTo(concat(written));
        }
    }

    /** The refilled safekeeper's flush LSN, from its Admin service. */
    private static final class SafekeeperAdminClientProbe implements AutoCloseable {
        private final dev.cairn.safekeeper.client.SafekeeperAdminClient client;

        SafekeeperAdminClientProbe(int port) {
            client = new dev.cairn.safekeeper.client.SafekeeperAdminClient("127.0.0.1", port);
        }

        Lsn flushLsn() {
            return client.timelines().stream().filter(t -> t.timeline().equals(TL)).findFirst()
                    .map(dev.cairn.safekeeper.client.SafekeeperAdminClient.TimelineState::flushLsn).orElse(Lsn.INVALID);
        }

        @Override
        public void close() {
            client.close();
        }
    }

    @Test
    void aSecondProposerFencesTheFirst() throws Exception {
        safekeepers().startAll();
        ProposerDriver first = proposer("first");
        first.awaitLeading(10_000);
        first.appendWal(START, new byte[100]);
        first.awaitCommit(START.plus(100), 10_000);

        ProposerDriver second = proposer("second");
        Lsn start2 = second.awaitLeading(10_000);
        assertThat(second.term()).isGreaterThan(first.term());
        assertThat(start2).isEqualTo(START.plus(100)); // everything the first acknowledged is the base

        first.appendWal(START.plus(100), new byte[50]);
        long deadline = System.currentTimeMillis() + 10_000;
        while (first.phase() != ProposerPhase.FENCED && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(first.phase()).isEqualTo(ProposerPhase.FENCED);
        assertThat(first.commitLsn()).isEqualTo(START.plus(100));
        second.appendWal(start2, new byte[10]);
        second.awaitCommit(start2.plus(10), 10_000);
    }

    @Test
    void walOfferedWithAGapFailsTheProposerInsteadOfLandingAtTheWrongLsn() throws Exception {
        safekeepers().startAll();
        ProposerDriver p = proposer("p1");
        assertThat(p.awaitLeading(10_000)).isEqualTo(START);
        p.appendWal(START, new byte[100]);
        p.awaitCommit(START.plus(100), 10_000);
        // WAL that was lost before reaching the proposer (say an allocation failed): the next piece does not
        // continue the log, and must not be stored as if it did
        p.appendWal(START.plus(300), new byte[50]);
        long deadline = System.currentTimeMillis() + 10_000;
        while (p.failure() == null && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
        }
        assertThat(p.failure()).isNotNull();
        assertThat(p.failure().getMessage()).contains("WAL offered at " + START.plus(300))
                .contains("ends at " + START.plus(100));
        p.appendWal(START.plus(100), new byte[10]); // a failed proposer takes nothing more
        assertThatThrownBy(() -> p.awaitCommit(START.plus(110), 1000)).isInstanceOf(TimeoutException.class);
        assertThat(p.commitLsn()).isEqualTo(START.plus(100));
    }

    @Test
    void protocolViolationsAreRefusedClearly() throws Exception {
        safekeepers().start(0);
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", safekeepers.port(0)).usePlaintext().build();
        closeables.add(ch::shutdownNow);
        // unknown version
        AcceptorMessage r1 = exchange(ch, ProposerMessage.newBuilder().setGreeting(Greeting.newBuilder()
                .setProtocolVersion(99).setTimeline(ProtoCodec.encode(TL))).build());
        assertThat(r1.getRefusal().getReason()).isEqualTo(Refusal.Reason.UNSUPPORTED_VERSION);
        assertThat(r1.getRefusal().getMessage()).contains("protocol version 99 is not supported");
        // a request before the greeting
        AcceptorMessage r2 = exchange(ch, ProposerMessage.newBuilder().setVoteRequest(VoteRequest.newBuilder().setTerm(5)).build());
        assertThat(r2.getRefusal().getReason()).isEqualTo(Refusal.Reason.PROTOCOL_ORDER);
        // a bad timeline id
        AcceptorMessage r3 = exchange(ch, ProposerMessage.newBuilder().setGreeting(Greeting.newBuilder()
                .setProtocolVersion(1).setTimeline(dev.cairn.proto.safekeeper.v1.TimelineRef.newBuilder()
                        .setTenantId("xyz").setTimelineId("1"))).build());
        assertThat(r3.getRefusal().getReason()).isEqualTo(Refusal.Reason.WRONG_TIMELINE);
        // nothing was persisted: the timeline has term 0
        var status = AdminGrpc.newBlockingStub(ch).status(TimelineStatusRequest.newBuilder().setProtocolVersion(1).build());
        assertThat(status.getTimelinesList()).allSatisfy(t -> assertThat(t.getTerm()).isZero());
    }

    @Test
    void anAppendWhoseWalFailsItsChecksumIsRefusedBeforeItReachesTheAcceptor() throws Exception {
        safekeepers().start(0);
        ManagedChannel ch = NettyChannelBuilder.forAddress("127.0.0.1", safekeepers.port(0)).usePlaintext().build();
        closeables.add(ch::shutdownNow);
        byte[] wal = new byte[4096];
        new java.util.Random(7).nextBytes(wal);
        ProposerMessage good = ProtoCodec.encode(new dev.cairn.safekeeper.consensus.ProposerMessage.AppendRequest(1,
                START, START.plus(wal.length), Lsn.INVALID, Lsn.INVALID, wal));
        byte[] spliced = wal.clone();
        spliced[100] ^= 1;
        ProposerMessage damaged = good.toBuilder().setAppendRequest(good.getAppendRequest().toBuilder()
                .setWalData(com.google.protobuf.ByteString.copyFrom(spliced))).build();
        ProposerMessage greeting = ProposerMessage.newBuilder().setGreeting(Greeting.newBuilder()
                .setProtocolVersion(1).setProposerId("test").setTimeline(ProtoCodec.encode(TL))).build();

        List<AcceptorMessage> replies = exchange(ch, List.of(greeting, damaged, good), 3);
        assertThat(replies.get(1).getRefusal().getReason()).isEqualTo(Refusal.Reason.MALFORMED);
        assertThat(replies.get(1).getRefusal().getMessage()).contains("fails its CRC-32C").contains("damaged in transit");
        // the intact copy passes the check and meets the consensus rules instead (no term was elected)
        assertThat(replies.get(2).getRefusal().getReason()).isEqualTo(Refusal.Reason.NOT_ELECTED);
    }

    private static List<AcceptorMessage> exchange(ManagedChannel ch, List<ProposerMessage> messages, int replies)
            throws InterruptedException {
        LinkedBlockingQueue<AcceptorMessage> got = new LinkedBlockingQueue<>();
        StreamObserver<ProposerMessage> s = AcceptorGrpc.newStub(ch).propose(new StreamObserver<>() {
            @Override
            public void onNext(AcceptorMessage m) {
                got.add(m);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
            }
        });
        List<AcceptorMessage> out = new java.util.ArrayList<>();
        for (ProposerMessage m : messages) {
            s.onNext(m);
        }
        while (out.size() < replies) {
            AcceptorMessage m = got.poll(5, TimeUnit.SECONDS);
            assertThat(m).as("reply " + out.size()).isNotNull();
            out.add(m);
        }
        s.onCompleted();
        return out;
    }

    private static AcceptorMessage exchange(ManagedChannel ch, ProposerMessage first) throws InterruptedException {
        return exchange(ch, List.of(first), 1).getFirst();
    }

    private static byte[] concat(List<byte[]> parts) {
        int n = parts.stream().mapToInt(b -> b.length).sum();
        byte[] out = new byte[n];
        int pos = 0;
        for (byte[] b : parts) {
            System.arraycopy(b, 0, out, pos, b.length);
            pos += b.length;
        }
        return out;
    }
}
