package dev.cairn.pageserver;

import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.kms.TenantId;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.KeysLayout;
import dev.cairn.pageserver.crypto.KmsValueCipher;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.IngestKeysUnavailableException;
import dev.cairn.pageserver.ingest.WalDirectoryIngest;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.PageStoreException;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.pgformat.Lsn;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.safekeeper.Id128;
import dev.cairn.safekeeper.TimelineKey;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.InstantSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Revoking a tenant's keys while its WAL is being ingested must pause ingest, not stop it for good: nothing of
 * the record is stored, the timeline is not marked failed, and after restore the same WAL ingests to the end.
 * (A chaos soak found ingest stopping forever when the refusal came wrapped by the store.)
 */
class RevokedKeysIngestTest {

    @Test
    void ingestWaitsForRevokedKeysAndResumesAfterRestore() {
        Path scratch = Computes.scratch("cairn-revoked-ingest");
        TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
        TenantId tenant = tl.tenant().kmsTenant();
        LocalKmsProvider local = new LocalKmsProvider(KeysLayout.under(scratch.resolve("keys")).localKms(), true,
                InstantSource.system());
        try (KeyHierarchy keys = KeyHierarchy.open(KeyHierarchyConfig.builder(scratch.resolve("keys"))
                .providers(KmsProviders.of(local)).build());
             PageStore store = PageStore.open(scratch.resolve("pageserver"), new KmsValueCipher(keys))) {
            keys.createTenant(tenant, KeyRef.local("cmk"));
            PgCluster pg = Computes.initdb(scratch);
            Lsn start = DataDirImport.run(store, tl, pg.dataDir()).lsn();
            try (pg) {
                pg.start(Computes.SETTINGS);
                pg.psql("CREATE TABLE t (id int PRIMARY KEY, v text)");
                pg.psql("INSERT INTO t SELECT g, repeat('v', 100) FROM generate_series(1, 2000) g");
                pg.stop("fast");
            }

            Ingest ingest = new Ingest(store, tl); // as in a running pageserver, then the keys go
            keys.revoke(tenant, "test: customer disabled the CMK");
            IngestKeysUnavailableException e = catchThrowableOfType(IngestKeysUnavailableException.class,
                    () -> WalDirectoryIngest.ingest(ingest, pg.walDir()));
            assertThat(e).as("ingest of a revoked tenant").isNotNull();
            assertThat(e.getMessage()).contains("revoked").contains(tl.toString());
            assertThat(ingest.failure()).as("a revocation does not stop the timeline").isNull();
            Lsn paused = ingest.position().end();
            // the status's logical size reads relation sizes: it cannot while revoked (the status reports null)
            assertThatThrownBy(() -> new Timeline(store, tl).logicalSize(paused)).isInstanceOf(PageStoreException.class)
                    .hasMessageContaining("revoked");

            keys.restore(tenant);
            assertThat(new Timeline(store, tl).position().end()).as("stored position").isEqualTo(paused);
            Lsn end = WalDirectoryIngest.ingest(ingest, pg.walDir());
            assertThat(end).isGreaterThan(paused).isGreaterThan(start);
            assertThat(ingest.failure()).isNull();
            assertThat(ingest.position().end()).isEqualTo(end);
            assertThat(new Timeline(store, tl).logicalSize(end)).as("table t and the catalogs").isGreaterThan(2000L * 100);
        } finally {
            ScratchDirectory.deleteTree(scratch);
        }
    }
}
