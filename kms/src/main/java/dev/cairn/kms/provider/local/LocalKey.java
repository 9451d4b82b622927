package dev.cairn.kms.provider.local;

import dev.cairn.kms.provider.KeyStatus;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A named local master key: its versions and the primary one new wraps use. */
public record LocalKey(int primary, List<LocalKeyVersion> versions) {

    public LocalKey {
        versions = List.copyOf(versions);
    }

    public Optional<LocalKeyVersion> version(int v) {
        return versions.stream().filter(x -> x.version() == v).findFirst();
    }

    public LocalKeyVersion primaryVersion() {
        return version(primary).orElseThrow();
    }

    public LocalKey withNewPrimary(LocalKeyVersion v) {
        List<LocalKeyVersion> list = new ArrayList<>(versions);
        list.add(v);
        return new LocalKey(v.version(), list);
    }

    /** Sets the state of every version (disable/enable/destroy the whole key, as a customer would). */
    public LocalKey withState(KeyStatus state) {
        List<LocalKeyVersion> list = new ArrayList<>(versions);
        list.replaceAll(v -> v.state() == KeyStatus.DESTROYED ? v : v.withState(state));
        return new LocalKey(primary, list);
    }

    public KeyStatus status() {
        return primaryVersion().state();
    }
}
