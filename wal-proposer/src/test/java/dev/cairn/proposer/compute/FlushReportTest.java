package dev.cairn.proposer.compute;

import dev.cairn.common.Lsn;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the WAL streamer tells the compute is flushed, for a quorum commit at a record's last byte. */
class FlushReportTest {
    @Test
    void aCommitIsReportedAtItsMaxalignedEndWhichPostgresWaitsFor() {
        // positions seen in a local cluster: commit records ending 2 bytes short of an 8-byte boundary
        assertThat(ComputeWalStreamer.flushedToReport(Lsn.parse("0/0151896A"), Lsn.parse("0/01518970")))
                .isEqualTo(Lsn.parse("0/01518970"));
        assertThat(ComputeWalStreamer.flushedToReport(Lsn.parse("0/01518CB0"), Lsn.parse("0/01519000")))
                .isEqualTo(Lsn.parse("0/01518CB0"));
    }

    @Test
    void neverBeyondWhatTheComputeHasSent() {
        assertThat(ComputeWalStreamer.flushedToReport(Lsn.parse("0/0151896A"), Lsn.parse("0/0151896C")))
                .isEqualTo(Lsn.parse("0/0151896C"));
    }
}
