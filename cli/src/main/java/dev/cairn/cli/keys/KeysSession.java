package dev.cairn.cli.keys;

import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.provider.StandardProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.KeysLayout;

import java.nio.file.Path;
import java.time.InstantSource;

/** The key hierarchy of a data directory, opened offline by the CLI (audited as {@code cli:USER}). */
final class KeysSession implements AutoCloseable {
    final KeysLayout layout;
    final LocalKmsProvider local;
    final KeyHierarchy hierarchy;

    private KeysSession(Path dataDir) {
        this.layout = KeysLayout.under(dataDir);
        this.local = new LocalKmsProvider(layout.localKms(), true, InstantSource.system());
        this.hierarchy = KeyHierarchy.open(KeyHierarchyConfig.builder(dataDir)
                .providers(StandardProviders.create(local))
                .caller("cli:" + System.getProperty("user.name", "unknown"))
                .build());
    }

    static KeysSession open(Path dataDir) {
        return new KeysSession(dataDir);
    }

    @Override
    public void close() {
        hierarchy.close();
    }
}
