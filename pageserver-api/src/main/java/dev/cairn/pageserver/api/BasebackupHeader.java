package dev.cairn.pageserver.api;

import dev.cairn.common.Lsn;

/**
 * What a basebackup response announces before its tar body.
 *
 * @param dataLsn       the record boundary the backup is taken at (end of the last record at or before the request)
 * @param startLsn      where the synthetic checkpoint record starts: where postgres writes next
 * @param prevRecordLsn the record before it
 */
public record BasebackupHeader(Lsn dataLsn, Lsn startLsn, Lsn prevRecordLsn) {
    public static final String DATA_LSN = "Cairn-Data-Lsn";
    public static final String START_LSN = "Cairn-Start-Lsn";
    public static final String PREV_RECORD_LSN = "Cairn-Prev-Record-Lsn";
}
