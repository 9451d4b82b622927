package dev.cairn.pageserver;

import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyHierarchyConfig;
import dev.cairn.common.Id128;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsProviders;
import dev.cairn.kms.provider.local.LocalKmsProvider;
import dev.cairn.kms.store.KeysLayout;
import dev.cairn.pageserver.crypto.AesGcmValueCipher;
import dev.cairn.pageserver.crypto.KmsValueCipher;
import dev.cairn.pageserver.importer.DataDirImport;
import dev.cairn.pageserver.ingest.Ingest;
import dev.cairn.pageserver.ingest.IngestKeysUnavailableException;
import dev.cairn.pageserver.ingest.WalDirectoryIngest;
import dev.cairn.pageserver.store.PageStore;
import dev.cairn.pageserver.store.PageStoreException;
import dev.cairn.pageserver.store.Timeline;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalReader;
import dev.cairn.pgformat.wal.synth.RecordPosition;
import dev.cairn.pgruntime.PgCluster;
import dev.cairn.pgruntime.ScratchDirectory;
import dev.cairn.common.TimelineKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
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
    private final TimelineKey tl = new TimelineKey(Id128.random(), Id128.random());
    private final Id128 tenant = tl.tenant();
    private Path scratch;
    private KeyHierarchy keys;
    private PageStore store;

    /** A page store sealing under the tenant's keys in a local KMS, as a pageserver's. */
    @BeforeEach
    void openStore() {
        scratch = Computes.scratch("cairn-revoked-ingest");
        LocalKmsProvider local = new LocalKmsProvider(KeysLayout.under(scratch.resolve("keys")).localKms(), true,
                InstantSource.system());
        keys = KeyHierarchy.open(KeyHierarchyConfig.builder(scratch.resolve("keys")).providers(KmsProviders.of(local)).build());
        store = PageStore.open(scratch.resolve("pageserver"), new KmsValueCipher(keys));
        keys.createTenant(tenant, KeyRef.local("cmk"));
    }

    @AfterEach
    void closeStore() {
        store.close();
        keys.close();
        ScratchDirectory.deleteTree(scratch);
    }

    @Test
    void ingestWaitsForRevokedKeysAndResumesAfterRestore() {
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
        assertThat(ingest.paused()).as("the timeline's status: paused, and why").isSameAs(e);
        Lsn paused = ingest.position().end();
        // the status's logical size reads relation sizes: it cannot while revoked (the status reports null)
        assertThatThrownBy(() -> new Timeline(store, tl).logicalSize(paused)).isInstanceOf(PageStoreException.class)
                .hasMessageContaining("revoked");

        keys.restore(tenant);
        assertThat(new Timeline(store, tl).position().end()).as("stored position").isEqualTo(paused);
        Lsn end = WalDirectoryIngest.ingest(ingest, pg.walDir());
        assertThat(end).isGreaterThan(paused).isGreaterThan(start);
        assertThat(ingest.failure()).isNull();
        assertThat(ingest.paused()).isNull();
        assertThat(ingest.position().end()).isEqualTo(end);
        assertThat(new Timeline(store, tl).logicalSize(end)).as("table t and the catalogs").isGreaterThan(2000L * 100);
    }

    /**
     * The record that waited moves nextXid (the first record of a transaction): once it applies, the checkpoint
     * fields stored with it are those an ingest that never waited stores. (They were not: the wait left the
     * moved nextXid in memory, so the retry saw nothing new and stored nothing, and a basebackup taken there
     * would have handed out that xid again.)
     */
    @Test
    void aRecordThatWaitedForTheKeysStoresTheCheckpointFieldsItMoves() {
        try (PageStore reference = PageStore.open(scratch.resolve("reference"), AesGcmValueCipher.random(1))) {
            PgCluster pg = Computes.initdb(scratch);
            Lsn start = DataDirImport.run(store, tl, pg.dataDir()).lsn();
            DataDirImport.run(reference, tl, pg.dataDir());
            try (pg) {
                pg.start(Computes.SETTINGS);
                pg.psql("CREATE TABLE t (id int)");
                for (int i = 0; i < 5; i++) {
                    pg.psql("INSERT INTO t VALUES (" + i + ")"); // a transaction, and an xid, each
                }
                pg.stop("fast");
            }
            WalDirectoryIngest.ingest(new Ingest(reference, tl), pg.walDir());

            Ingest ingest = new Ingest(store, tl);
            Lsn waited = null;
            long lastXid = 0;
            int transactions = 0;
            try (WalReader reader = WalReader.open(WalReader.listSegments(pg.walDir()),
                    RecordPosition.firstAtOrAfter(start, 16 << 20), null)) {
                DecodedRecord rec;
                while ((rec = reader.nextUntilEndOfWal()) != null) {
                    long xid = rec.header().xidUnsigned();
                    boolean startsTransaction = xid != 0 && xid != lastXid && rec.endLsn().isAfter(start);
                    lastXid = xid == 0 ? lastXid : xid;
                    if (startsTransaction && ++transactions == 4) {
                        DecodedRecord r = rec;
                        keys.revoke(tenant, "test: the CMK goes while this record applies");
                        assertThat(catchThrowableOfType(IngestKeysUnavailableException.class, () -> ingest.apply(r)))
                                .isNotNull();
                        keys.restore(tenant);
                        waited = rec.endLsn();
                    }
                    ingest.apply(rec);
                }
            }
            assertThat(waited).as("a record that starts a transaction waited for the keys").isNotNull();
            assertThat(new Timeline(store, tl).checkpoint(waited)).as("checkpoint fields at %s", waited)
                    .isEqualTo(new Timeline(reference, tl).checkpoint(waited));
            assertThat(new Timeline(store, tl).checkpoint(ingest.position().end()))
                    .isEqualTo(new Timeline(reference, tl).checkpoint(ingest.position().end()));
        }
    }
}
