package dev.cairn.safekeeper.api;

import com.google.protobuf.ByteString;
import dev.cairn.common.Lsn;
import dev.cairn.proto.safekeeper.v1.AcceptorMessage;
import dev.cairn.proto.safekeeper.v1.AppendRequest;
import dev.cairn.proto.safekeeper.v1.AppendResponse;
import dev.cairn.proto.safekeeper.v1.Elected;
import dev.cairn.proto.safekeeper.v1.ProposerMessage;
import dev.cairn.proto.safekeeper.v1.ReadRequest;
import dev.cairn.proto.safekeeper.v1.Refusal;
import dev.cairn.proto.safekeeper.v1.TimelineRef;
import dev.cairn.proto.safekeeper.v1.VoteRequest;
import dev.cairn.proto.safekeeper.v1.VoteResponse;
import dev.cairn.proto.safekeeper.v1.WalData;
import dev.cairn.common.TimelineKey;
import dev.cairn.safekeeper.consensus.RefusalReason;
import dev.cairn.safekeeper.consensus.TermHistory;
import dev.cairn.safekeeper.consensus.TermLsn;

import java.util.ArrayList;
import java.util.List;

/** Converts consensus messages to and from their protobuf form, validating what comes in. */
public final class ProtoCodec {
    private ProtoCodec() {
    }

    // ------------------------------------------------------------------ proposer -> acceptor

    public static ProposerMessage encode(dev.cairn.safekeeper.consensus.ProposerMessage m) {
        ProposerMessage.Builder b = ProposerMessage.newBuilder();
        switch (m) {
            case dev.cairn.safekeeper.consensus.ProposerMessage.VoteRequest v ->
                    b.setVoteRequest(VoteRequest.newBuilder().setTerm(v.term()));
            case dev.cairn.safekeeper.consensus.ProposerMessage.Elected e -> b.setElected(Elected.newBuilder()
                    .setTerm(e.term()).setStartStreamingAt(e.startStreamingAt().value()).setTermHistory(encode(e.history())));
            case dev.cairn.safekeeper.consensus.ProposerMessage.AppendRequest a -> b.setAppendRequest(AppendRequest.newBuilder()
                    .setTerm(a.term()).setBeginLsn(a.begin().value()).setEndLsn(a.end().value())
                    .setCommitLsn(a.commitLsn().value()).setPeerHorizonLsn(a.peerHorizonLsn().value())
                    .setWalData(ByteString.copyFrom(a.data())).setWalCrc32C(WalPayloadChecksum.of(a.data())));
            case dev.cairn.safekeeper.consensus.ProposerMessage.ReadRequest r -> b.setReadRequest(ReadRequest.newBuilder()
                    .setTerm(r.term()).setBeginLsn(r.begin().value()).setEndLsn(r.end().value()));
        }
        return b.build();
    }

    public static dev.cairn.safekeeper.consensus.ProposerMessage decode(ProposerMessage m) throws MalformedMessageException {
        return switch (m.getKindCase()) {
            case VOTE_REQUEST -> new dev.cairn.safekeeper.consensus.ProposerMessage.VoteRequest(m.getVoteRequest().getTerm());
            case ELECTED -> new dev.cairn.safekeeper.consensus.ProposerMessage.Elected(m.getElected().getTerm(),
                    Lsn.of(m.getElected().getStartStreamingAt()), decode(m.getElected().getTermHistory()));
            case APPEND_REQUEST -> {
                AppendRequest a = m.getAppendRequest();
                WalPayloadChecksum.verify(a.getWalCrc32C(), a.getWalData(), Lsn.of(a.getBeginLsn()));
                yield new dev.cairn.safekeeper.consensus.ProposerMessage.AppendRequest(a.getTerm(), Lsn.of(a.getBeginLsn()),
                        Lsn.of(a.getEndLsn()), Lsn.of(a.getCommitLsn()), Lsn.of(a.getPeerHorizonLsn()), a.getWalData().toByteArray());
            }
            case READ_REQUEST -> new dev.cairn.safekeeper.consensus.ProposerMessage.ReadRequest(m.getReadRequest().getTerm(),
                    Lsn.of(m.getReadRequest().getBeginLsn()), Lsn.of(m.getReadRequest().getEndLsn()));
            case GREETING -> throw new MalformedMessageException("greeting is only valid as the first message of a stream");
            case KIND_NOT_SET -> throw new MalformedMessageException("empty proposer message");
        };
    }

    // ------------------------------------------------------------------ acceptor -> proposer

    public static AcceptorMessage encode(dev.cairn.safekeeper.consensus.AcceptorMessage m) {
        AcceptorMessage.Builder b = AcceptorMessage.newBuilder();
        switch (m) {
            case dev.cairn.safekeeper.consensus.AcceptorMessage.VoteResponse v -> b.setVoteResponse(VoteResponse.newBuilder()
                    .setTerm(v.term()).setVoteGiven(v.granted()).setFlushLsn(v.flushLsn().value())
                    .setCommitLsn(v.commitLsn().value()).setPeerHorizonLsn(v.peerHorizonLsn().value())
                    .setTermHistory(encode(v.history())).setTimelineStartLsn(v.timelineStartLsn().value()));
            case dev.cairn.safekeeper.consensus.AcceptorMessage.AppendResponse a -> b.setAppendResponse(AppendResponse.newBuilder()
                    .setTerm(a.term()).setFlushLsn(a.flushLsn().value()).setCommitLsn(a.commitLsn().value())
                    .setWriteLsn(a.writeLsn().value()));
            case dev.cairn.safekeeper.consensus.AcceptorMessage.WalData d -> b.setWalData(WalData.newBuilder()
                    .setTerm(d.term()).setBeginLsn(d.begin().value()).setWalData(ByteString.copyFrom(d.data()))
                    .setWalCrc32C(WalPayloadChecksum.of(d.data())));
            case dev.cairn.safekeeper.consensus.AcceptorMessage.Refusal r -> b.setRefusal(refusal(r.reason(), r.term(),
                    r.message(), r.flushLsn(), r.writeLsn()));
        }
        return b.build();
    }

    public static Refusal refusal(RefusalReason reason, long term, String message, Lsn flush, Lsn write) {
        return Refusal.newBuilder().setReason(Refusal.Reason.valueOf(reason.name())).setTerm(term)
                .setMessage(message).setFlushLsn(flush.value()).setWriteLsn(write.value()).build();
    }

    public static dev.cairn.safekeeper.consensus.AcceptorMessage decode(AcceptorMessage m) throws MalformedMessageException {
        return switch (m.getKindCase()) {
            case VOTE_RESPONSE -> {
                VoteResponse v = m.getVoteResponse();
                yield new dev.cairn.safekeeper.consensus.AcceptorMessage.VoteResponse(v.getTerm(), v.getVoteGiven(),
                        Lsn.of(v.getFlushLsn()), Lsn.of(v.getCommitLsn()), Lsn.of(v.getPeerHorizonLsn()),
                        decode(v.getTermHistory()), Lsn.of(v.getTimelineStartLsn()));
            }
            case APPEND_RESPONSE -> {
                AppendResponse a = m.getAppendResponse();
                yield new dev.cairn.safekeeper.consensus.AcceptorMessage.AppendResponse(a.getTerm(), Lsn.of(a.getFlushLsn()),
                        Lsn.of(a.getCommitLsn()), Lsn.of(a.getWriteLsn()));
            }
            case WAL_DATA -> {
                WalData d = m.getWalData();
                WalPayloadChecksum.verify(d.getWalCrc32C(), d.getWalData(), Lsn.of(d.getBeginLsn()));
                yield new dev.cairn.safekeeper.consensus.AcceptorMessage.WalData(d.getTerm(), Lsn.of(d.getBeginLsn()),
                        d.getWalData().toByteArray());
            }
            case REFUSAL -> {
                Refusal r = m.getRefusal();
                RefusalReason reason = r.getReason() == Refusal.Reason.REASON_UNSPECIFIED || r.getReason() == Refusal.Reason.UNRECOGNIZED
                        ? RefusalReason.MALFORMED : RefusalReason.valueOf(r.getReason().name());
                yield new dev.cairn.safekeeper.consensus.AcceptorMessage.Refusal(reason, r.getTerm(), r.getMessage(),
                        Lsn.of(r.getFlushLsn()), Lsn.of(r.getWriteLsn()));
            }
            case GREETING_RESPONSE, KIND_NOT_SET -> throw new MalformedMessageException("unexpected acceptor message " + m.getKindCase());
        };
    }

    // ------------------------------------------------------------------ shared parts

    public static dev.cairn.proto.safekeeper.v1.TermHistory encode(TermHistory h) {
        dev.cairn.proto.safekeeper.v1.TermHistory.Builder b = dev.cairn.proto.safekeeper.v1.TermHistory.newBuilder();
        for (TermLsn e : h.entries()) {
            b.addEntries(dev.cairn.proto.safekeeper.v1.TermLsn.newBuilder().setTerm(e.term()).setLsn(e.lsn().value()));
        }
        return b.build();
    }

    public static TermHistory decode(dev.cairn.proto.safekeeper.v1.TermHistory h) throws MalformedMessageException {
        List<TermLsn> entries = new ArrayList<>(h.getEntriesCount());
        try {
            for (dev.cairn.proto.safekeeper.v1.TermLsn e : h.getEntriesList()) {
                entries.add(new TermLsn(e.getTerm(), Lsn.of(e.getLsn())));
            }
            return new TermHistory(entries);
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid term history: " + e.getMessage());
        }
    }

    public static TimelineRef encode(TimelineKey k) {
        return TimelineRef.newBuilder().setTenantId(k.tenant().toString()).setTimelineId(k.timeline().toString()).build();
    }

    public static TimelineKey decode(TimelineRef r) throws MalformedMessageException {
        try {
            return TimelineKey.parse(r.getTenantId(), r.getTimelineId());
        } catch (IllegalArgumentException e) {
            throw new MalformedMessageException("invalid timeline: " + e.getMessage());
        }
    }
}
