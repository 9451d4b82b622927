package dev.cairn.kms.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Everything persisted for one tenant: wrapped keys and pointers, never key material. Immutable; each
 * change makes a new value which the store writes atomically.
 *
 * <p>Rotation invariants that make every intermediate state readable: a DEK names the KEK that wraps it,
 * a KEK names the CMK that wraps it, and no KEK is dropped while a DEK references it. {@code cmk} and
 * {@code activeKek} are the targets new wraps use; entries not yet under them are a pending rotation.
 */
public record TenantKeyring(
        int format,
        String tenant,
        String cmk,
        long generation,
        RevocationRecord revocation,
        long activeKek,
        long nextKekId,
        long nextDekSequence,
        List<KekEntry> keks,
        List<DekEntry> deks,
        Map<String, Long> activeDeks) {

    public static final int FORMAT = 1;

    public TenantKeyring {
        keks = List.copyOf(keks);
        deks = List.copyOf(deks);
        activeDeks = Map.copyOf(new TreeMap<>(activeDeks));
    }

    public static TenantKeyring create(String tenant, String cmk, KekEntry firstKek) {
        return new TenantKeyring(FORMAT, tenant, cmk, 0, null, firstKek.id(), firstKek.id() + 1, 1,
                List.of(firstKek), List.of(), Map.of());
    }

    public Optional<KekEntry> kek(long id) {
        return keks.stream().filter(k -> k.id() == id).findFirst();
    }

    public Optional<DekEntry> dek(long sequence) {
        return deks.stream().filter(d -> d.sequence() == sequence).findFirst();
    }

    /** True while a CMK or KEK rotation has not reached every entry. */
    public boolean rotationPending() {
        return keks.size() > 1
                || keks.stream().anyMatch(k -> !k.wrappedBy().equals(cmk))
                || deks.stream().anyMatch(d -> d.kekId() != activeKek);
    }

    public TenantKeyring withGeneration(long g) {
        return new TenantKeyring(format, tenant, cmk, g, revocation, activeKek, nextKekId, nextDekSequence, keks, deks,
                activeDeks);
    }

    public TenantKeyring withRevocation(RevocationRecord r) {
        return new TenantKeyring(format, tenant, cmk, generation, r, activeKek, nextKekId, nextDekSequence, keks, deks,
                activeDeks);
    }

    public TenantKeyring withCmk(String newCmk) {
        return new TenantKeyring(format, tenant, newCmk, generation, revocation, activeKek, nextKekId, nextDekSequence,
                keks, deks, activeDeks);
    }

    /** Adds a KEK and makes it the target of new DEK wraps. */
    public TenantKeyring withNewActiveKek(KekEntry kek) {
        List<KekEntry> k = new ArrayList<>(keks);
        k.add(kek);
        return new TenantKeyring(format, tenant, cmk, generation, revocation, kek.id(), Math.max(nextKekId, kek.id() + 1),
                nextDekSequence, k, deks, activeDeks);
    }

    public TenantKeyring withKek(KekEntry kek) {
        List<KekEntry> k = new ArrayList<>(keks);
        k.replaceAll(e -> e.id() == kek.id() ? kek : e);
        return new TenantKeyring(format, tenant, cmk, generation, revocation, activeKek, nextKekId, nextDekSequence, k,
                deks, activeDeks);
    }

    /** Drops KEKs that are neither active nor referenced by a DEK. */
    public TenantKeyring withoutUnreferencedKeks() {
        List<KekEntry> k = keks.stream()
                .filter(e -> e.id() == activeKek || deks.stream().anyMatch(d -> d.kekId() == e.id()))
                .toList();
        return new TenantKeyring(format, tenant, cmk, generation, revocation, activeKek, nextKekId, nextDekSequence, k,
                deks, activeDeks);
    }

    /** Adds a DEK; if {@code activate}, it becomes its purpose's active DEK and the previous one retires. */
    public TenantKeyring withNewDek(DekEntry dek, boolean activate) {
        List<DekEntry> d = new ArrayList<>(deks);
        Map<String, Long> active = new TreeMap<>(activeDeks);
        if (activate) {
            Long previous = active.put(dek.purpose(), dek.sequence());
            if (previous != null) {
                d.replaceAll(e -> e.sequence() == previous ? e.asRetired() : e);
            }
        }
        d.add(dek);
        return new TenantKeyring(format, tenant, cmk, generation, revocation, activeKek, nextKekId,
                Math.max(nextDekSequence, dek.sequence() + 1), keks, d, active);
    }

    public TenantKeyring withDek(DekEntry dek) {
        return mapDeks(e -> e.sequence() == dek.sequence() ? dek : e);
    }

    public TenantKeyring withoutDek(long sequence) {
        List<DekEntry> d = deks.stream().filter(e -> e.sequence() != sequence).toList();
        Map<String, Long> active = new TreeMap<>(activeDeks);
        active.values().removeIf(v -> v == sequence);
        return new TenantKeyring(format, tenant, cmk, generation, revocation, activeKek, nextKekId, nextDekSequence, keks,
                d, active);
    }

    private TenantKeyring mapDeks(UnaryOperator<DekEntry> f) {
        List<DekEntry> d = new ArrayList<>(deks);
        d.replaceAll(f);
        return new TenantKeyring(format, tenant, cmk, generation, revocation, activeKek, nextKekId, nextDekSequence, keks,
                d, activeDeks);
    }
}
