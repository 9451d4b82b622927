package dev.cairn.kms.provider.local;

import dev.cairn.kms.provider.KeyStatus;

/** One version of a local master key; {@code material} is null once destroyed. */
public record LocalKeyVersion(int version, KeyStatus state, byte[] material, String created) {

    public LocalKeyVersion withState(KeyStatus s) {
        return new LocalKeyVersion(version, s, s == KeyStatus.DESTROYED ? null : material, created);
    }
}
