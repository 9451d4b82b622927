package dev.cairn.pageserver;

/** A Cairn timeline (branch) of a tenant: the unit that owns page versions, relation metadata and SLRUs. */
public record TimelineRef(Id128 tenant, Id128 timeline) {
    public TimelineRef {
        if (tenant == null || timeline == null) {
            throw new IllegalArgumentException("tenant and timeline are required");
        }
    }

    @Override
    public String toString() {
        return "tenant " + tenant + " timeline " + timeline;
    }
}
