package dev.cairn.pgformat.rmgr;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * A PostgreSQL TimestampTz: microseconds since 2000-01-01 00:00:00 UTC.
 * {@link #toString()} prints it the way pg_waldump does (local zone,
 * microseconds, zone abbreviation), e.g. {@code 2026-11-23 20:51:45.547934 UTC}.
 */
public record PgTimestamp(long micros) {
    /** 2000-01-01 in Unix seconds. */
    public static final long POSTGRES_EPOCH_UNIX_SECONDS = 946_684_800L;

    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final DateTimeFormatter ZONE = DateTimeFormatter.ofPattern("z");

    public Instant toInstant() {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        long fraction = Math.floorMod(micros, 1_000_000L);
        return Instant.ofEpochSecond(POSTGRES_EPOCH_UNIX_SECONDS + seconds, fraction * 1_000L);
    }

    public static PgTimestamp of(Instant instant) {
        long seconds = instant.getEpochSecond() - POSTGRES_EPOCH_UNIX_SECONDS;
        return new PgTimestamp(seconds * 1_000_000L + instant.getNano() / 1_000);
    }

    public String format(ZoneId zone) {
        var t = toInstant().atZone(zone);
        return SECONDS.format(t) + String.format(".%06d ", Math.floorMod(micros, 1_000_000L)) + ZONE.format(t);
    }

    @Override
    public String toString() {
        return format(ZoneId.systemDefault());
    }
}
