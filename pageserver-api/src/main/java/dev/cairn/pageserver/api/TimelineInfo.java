package dev.cairn.pageserver.api;

import dev.cairn.common.Lsn;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A timeline as the pageserver API reports it.
 *
 * @param startLsn     where the timeline's WAL begins: the end of the imported WAL, where the first compute
 *                     writes and the safekeepers' timeline starts
 * @param ingestedLsn  end of the last ingested record
 * @param durableLsn   ingested and flushed to RocksDB (safekeepers may trim WAL below it)
 * @param commitLsn    the newest commit LSN the WAL source reported (ingest lag = commitLsn - ingestedLsn)
 * @param state        "active"; "paused" while a record waits for the tenant's keys or for room on the disk
 *                     (retried); "failed" when ingest stopped
 * @param error        why ingest waits or stopped, or null
 * @param stoppedAtLsn start of the record ingest stopped at ("failed"), else {@link Lsn#INVALID}
 * @param walSource    the safekeeper currently streamed from, or null
 * @param logicalSizeBytes every relation fork at the ingested LSN, in bytes (what the database holds, before
 *                     versions, compression and encryption); null while the tenant's keys cannot be used
 * @param ancestry     the timeline and LSN this one was branched from, or null
 */
public record TimelineInfo(TimelineKey key, Lsn startLsn, Lsn ingestedLsn, Lsn lastRecordLsn, Lsn durableLsn,
                           Lsn commitLsn, Lsn gcHorizonLsn, String state, String error, Lsn stoppedAtLsn,
                           String walSource, Long logicalSizeBytes, Ancestry ancestry) {
    /** Ingest stopped at a record it could not apply: the timeline takes no new commits until that is fixed. */
    public static final String FAILED = "failed";

    public boolean failed() {
        return FAILED.equals(state);
    }


    public long ingestLagBytes() {
        return commitLsn.isAfter(ingestedLsn) ? commitLsn.minus(ingestedLsn) : 0;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("tenant", key.tenant().toString());
        m.put("timeline", key.timeline().toString());
        m.put("startLsn", startLsn.toString());
        m.put("ingestedLsn", ingestedLsn.toString());
        m.put("lastRecordLsn", lastRecordLsn.toString());
        m.put("durableLsn", durableLsn.toString());
        m.put("commitLsn", commitLsn.toString());
        m.put("ingestLagBytes", ingestLagBytes());
        m.put("gcHorizonLsn", gcHorizonLsn.toString());
        m.put("state", state);
        m.put("error", error);
        m.put("stoppedAtLsn", stoppedAtLsn.isValid() ? stoppedAtLsn.toString() : null);
        m.put("walSource", walSource);
        m.put("logicalSizeBytes", logicalSizeBytes);
        m.put("ancestorTimeline", ancestry == null ? null : ancestry.timeline().toString());
        m.put("ancestorLsn", ancestry == null ? null : ancestry.lsn().toString());
        return m;
    }

    static TimelineInfo fromJson(Map<String, Object> m) {
        return new TimelineInfo(new TimelineKey(Id128.parse((String) m.get("tenant")), Id128.parse((String) m.get("timeline"))),
                lsn(m, "startLsn"), lsn(m, "ingestedLsn"), lsn(m, "lastRecordLsn"), lsn(m, "durableLsn"),
                lsn(m, "commitLsn"), lsn(m, "gcHorizonLsn"), (String) m.get("state"), (String) m.get("error"),
                lsn(m, "stoppedAtLsn"), (String) m.get("walSource"),
                m.get("logicalSizeBytes") instanceof Number n ? n.longValue() : null,
                m.get("ancestorTimeline") == null ? null
                        : new Ancestry(Id128.parse((String) m.get("ancestorTimeline")), lsn(m, "ancestorLsn")));
    }

    private static Lsn lsn(Map<String, Object> m, String field) {
        Object v = m.get(field);
        return v == null ? Lsn.INVALID : Lsn.parse((String) v);
    }
}
