package dev.cairn.kms.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The providers available to a hierarchy, by key-reference scheme. */
public final class KmsProviders implements AutoCloseable {
    private final Map<String, KmsProvider> byScheme = new TreeMap<>();

    public KmsProviders(List<? extends KmsProvider> providers) {
        for (KmsProvider p : providers) {
            if (byScheme.putIfAbsent(p.scheme(), p) != null) {
                throw new IllegalArgumentException("two providers for scheme " + p.scheme());
            }
        }
    }

    public static KmsProviders of(KmsProvider... providers) {
        return new KmsProviders(List.of(providers));
    }

    /** The provider serving {@code ref}; a missing one is a configuration error. */
    public KmsProvider forRef(KeyRef ref) {
        KmsProvider p = byScheme.get(ref.scheme());
        if (p == null) {
            throw new KmsRejectedException(ref, "no KMS provider for scheme '" + ref.scheme()
                    + "' (configured: " + byScheme.keySet() + ")", null);
        }
        return p;
    }

    public List<KmsProvider> all() {
        return new ArrayList<>(byScheme.values());
    }

    @Override
    public void close() {
        for (KmsProvider p : byScheme.values()) {
            p.close();
        }
    }
}
