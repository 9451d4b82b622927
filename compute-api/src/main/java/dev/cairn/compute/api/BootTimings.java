package dev.cairn.compute.api;

/**
 * Where a compute's start went: sync with the safekeepers, the basebackup streamed into the data
 * directory, and postgres up with its proposer streaming. What grows with the database is the basebackup.
 */
public record BootTimings(long syncMillis, long basebackupMillis, long basebackupBytes, long postgresMillis) {
    public long totalMillis() {
        return syncMillis + basebackupMillis + postgresMillis;
    }

    @Override
    public String toString() {
        return String.format("%d ms: sync %d ms, basebackup %d ms (%.1f MB), postgres %d ms", totalMillis(), syncMillis,
                basebackupMillis, basebackupBytes / 1e6, postgresMillis);
    }
}
