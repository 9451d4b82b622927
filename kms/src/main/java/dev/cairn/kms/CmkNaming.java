package dev.cairn.kms;

import dev.cairn.common.Id128;

import dev.cairn.kms.provider.KeyRef;

/**
 * Which customer master key a tenant's keys are wrapped by, as a pattern in which {@value #PLACEHOLDER}
 * stands for the tenant id: {@code local://tenant-{tenant}} (the embedded default), or e.g.
 * {@code aws-kms://alias/cairn-{tenant}?region=eu-west-1}. One CMK per tenant is what makes revoking
 * one customer's key shred that customer's data alone.
 */
public record CmkNaming(String pattern) {
    public static final String PLACEHOLDER = "{tenant}";
    public static final CmkNaming LOCAL_DEFAULT = new CmkNaming("local://tenant-" + PLACEHOLDER);

    public CmkNaming {
        if (pattern == null || !pattern.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("CMK pattern '" + pattern + "' must contain " + PLACEHOLDER
                    + " (one CMK per tenant), e.g. local://tenant-" + PLACEHOLDER);
        }
        KeyRef.parse(pattern.replace(PLACEHOLDER, "t")); // a readable error now rather than at first tenant
    }

    public KeyRef cmkFor(Id128 tenant) {
        return KeyRef.parse(pattern.replace(PLACEHOLDER, tenant.toString()));
    }
}
