package dev.cairn.kms.provider;

/** Whether a provider can currently reach its KMS. */
public record ProviderHealth(String provider, boolean healthy, String detail) {
    public static ProviderHealth ok(String provider, String detail) {
        return new ProviderHealth(provider, true, detail);
    }

    public static ProviderHealth down(String provider, String detail) {
        return new ProviderHealth(provider, false, detail);
    }
}
