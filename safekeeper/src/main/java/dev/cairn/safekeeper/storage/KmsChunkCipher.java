package dev.cairn.safekeeper.storage;

import dev.cairn.kms.Aad;
import dev.cairn.kms.DecryptionFailedException;
import dev.cairn.kms.KeyHierarchy;
import dev.cairn.common.Id128;

import java.util.HexFormat;

/**
 * WAL chunks sealed under the tenant's active {@code wal} DEK of the key hierarchy (CMK -> KEK -> DEK).
 * The hierarchy's envelope names the DEK and owns the nonce sequence (persisted reservations), so nonces
 * never repeat under a DEK across restarts; DEK rotation makes new chunks use a new DEK while old ones
 * stay readable. The AAD binds tenant (by the hierarchy), timeline, start LSN and length.
 */
public final class KmsChunkCipher implements WalChunkCipher {
    public static final String PURPOSE = "wal";

    private final KeyHierarchy keys;
    private final Id128 tenant;

    public KmsChunkCipher(KeyHierarchy keys, Id128 tenant) {
        this.keys = keys;
        this.tenant = tenant;
    }

    private static Aad aad(ChunkBinding b) {
        return Aad.of(PURPOSE, HexFormat.of().formatHex(b.aad()), b.startLsn().value());
    }

    @Override
    public byte[] seal(ChunkBinding binding, byte[] plaintext) {
        return keys.encrypt(tenant, aad(binding), plaintext);
    }

    @Override
    public byte[] open(ChunkBinding binding, byte[] sealed) throws ChunkAuthenticationException {
        try {
            return keys.decrypt(tenant, aad(binding), sealed);
        } catch (DecryptionFailedException e) {
            throw new ChunkAuthenticationException(e.getMessage(), e);
        }
    }
}
