package dev.cairn.pgformat.rmgr;

import dev.cairn.pgformat.control.CheckPoint;
import dev.cairn.pgformat.wal.DecodedRecord;

/** Decodes XLOG rmgr main data. */
final class XlogDecoder {
    /** MAXFNAMELEN: size of xl_restore_point.rp_name. */
    private static final int MAXFNAMELEN = 64;

    private XlogDecoder() {
    }

    /** The CheckPoint struct, with the same codec pg_control uses for its copy of it. */
    private static CheckPoint checkpoint(PayloadReader r, DecodedRecord rec) {
        r.requireRemaining(CheckPoint.SIZE, "CheckPoint");
        return CheckPoint.read(rec.mainData());
    }

    static RmgrRecord decode(DecodedRecord rec) {
        int info = rec.rmgrInfo();
        PayloadReader r = PayloadReader.of(rec, "XLOG " + RecordTypeNames.display(rec.rmid(), rec.header().info()));
        return switch (info) {
            case XlogRecord.CHECKPOINT_SHUTDOWN, XlogRecord.CHECKPOINT_ONLINE ->
                    new XlogRecord.Checkpoint(info == XlogRecord.CHECKPOINT_SHUTDOWN, checkpoint(r, rec));
            case XlogRecord.NOOP -> new XlogRecord.Noop(r.length());
            case XlogRecord.NEXTOID -> new XlogRecord.NextOid(r.u32("nextOid"));
            case XlogRecord.SWITCH -> new XlogRecord.Switch();
            case XlogRecord.BACKUP_END -> new XlogRecord.BackupEnd(r.lsnField("startpoint"));
            case XlogRecord.PARAMETER_CHANGE -> parameterChange(r);
            case XlogRecord.RESTORE_POINT -> {
                r.requireRemaining(8 + MAXFNAMELEN, "xl_restore_point");
                yield new XlogRecord.RestorePoint(r.timestamp("rp_time"), r.fixedCString(MAXFNAMELEN, "rp_name"));
            }
            case XlogRecord.FPW_CHANGE -> new XlogRecord.FpwChange(r.bool("fullPageWrites"));
            case XlogRecord.END_OF_RECOVERY -> {
                r.requireRemaining(16, "xl_end_of_recovery");
                yield new XlogRecord.EndOfRecovery(r.timestamp("end_time"), r.u32("ThisTimeLineID"),
                        r.u32("PrevTimeLineID"));
            }
            case XlogRecord.OVERWRITE_CONTRECORD -> {
                r.requireRemaining(16, "xl_overwrite_contrecord");
                yield new XlogRecord.OverwriteContrecord(r.lsnField("overwritten_lsn"), r.timestamp("overwrite_time"));
            }
            case XlogRecord.FPI -> new XlogRecord.FullPageImages(false);
            case XlogRecord.FPI_FOR_HINT -> new XlogRecord.FullPageImages(true);
            default -> new OpaqueRecord(rec.header(), rec.blocks());
        };
    }

    private static XlogRecord.ParameterChange parameterChange(PayloadReader r) {
        r.requireRemaining(26, "xl_parameter_change");
        return new XlogRecord.ParameterChange(r.i32("MaxConnections"), r.i32("max_worker_processes"),
                r.i32("max_wal_senders"), r.i32("max_prepared_xacts"), r.i32("max_locks_per_xact"),
                r.i32("wal_level"), r.bool("wal_log_hints"), r.bool("track_commit_timestamp"));
    }
}
