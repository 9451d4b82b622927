package dev.cairn.kms.provider.local;

import java.util.Map;
import java.util.TreeMap;

/** The local provider's file content. */
public record LocalKeyringFile(int format, String warning, Map<String, LocalKey> keys) {
    static final String WARNING = "NOT FOR PRODUCTION: local development keyring; master keys are stored in clear here";

    public LocalKeyringFile {
        keys = Map.copyOf(keys == null ? Map.of() : keys);
    }

    static LocalKeyringFile empty() {
        return new LocalKeyringFile(1, WARNING, Map.of());
    }

    LocalKeyringFile with(String name, LocalKey key) {
        Map<String, LocalKey> m = new TreeMap<>(keys);
        m.put(name, key);
        return new LocalKeyringFile(format, WARNING, m);
    }
}
