package dev.cairn.common;

/** A Cairn timeline of a tenant: the unit a safekeeper keeps one consensus log for. */
public record TimelineKey(Id128 tenant, Id128 timeline) {
    public TimelineKey {
        if (tenant == null || timeline == null) {
            throw new IllegalArgumentException("tenant and timeline are required");
        }
    }

    public static TimelineKey parse(String tenantHex, String timelineHex) {
        return new TimelineKey(Id128.parse(tenantHex), Id128.parse(timelineHex));
    }

    @Override
    public String toString() {
        return tenant + "/" + timeline;
    }
}
