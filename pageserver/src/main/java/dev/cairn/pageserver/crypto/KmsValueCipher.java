package dev.cairn.pageserver.crypto;

import dev.cairn.kms.Aad;
import dev.cairn.kms.DecryptionFailedException;
import dev.cairn.kms.KeyHierarchy;
import dev.cairn.kms.KeyRevokedException;
import dev.cairn.kms.KeyUnavailableException;
import dev.cairn.kms.ServiceKeys;
import dev.cairn.common.Id128;
import dev.cairn.kms.UnknownTenantException;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.function.UnaryOperator;

/**
 * Values sealed through the key hierarchy (kms/): each value under the active
 * DEK of its tenant for purpose {@value #PURPOSE}; the kms envelope is the
 * header (format version, DEK id, nonce). The tenant is the first 16 bytes of
 * the RocksDB key, which is also bound as the AAD, so one cipher serves a
 * store shared by many tenants, and a revoked tenant's values fail with
 * {@link ValueKeyUnavailableException} while other tenants are served.
 */
public final class KmsValueCipher implements ValueCipher {
    public static final String PURPOSE = "pageserver";

    private final KeyHierarchy keys;
    private final UnaryOperator<Id128> provision;

    /** Over tenants whose keyrings exist already. */
    public KmsValueCipher(KeyHierarchy keys) {
        this(keys, UnaryOperator.identity());
    }

    /** Over a service's keys: a tenant's keyring is created on its first write. */
    public KmsValueCipher(ServiceKeys keys) {
        this(keys.hierarchy(), keys::ensureTenant);
    }

    private KmsValueCipher(KeyHierarchy keys, UnaryOperator<Id128> provision) {
        this.keys = keys;
        this.provision = provision;
    }

    @Override
    public byte[] seal(byte[] aad, byte[] plaintext) {
        try {
            return keys.encrypt(provision.apply(tenant(aad)), binding(aad), plaintext);
        } catch (KeyRevokedException | KeyUnavailableException | UnknownTenantException e) {
            throw new ValueKeyUnavailableException(e.getMessage(), e);
        }
    }

    @Override
    public byte[] open(byte[] aad, byte[] sealed) {
        try {
            return keys.decrypt(tenant(aad), binding(aad), sealed);
        } catch (DecryptionFailedException e) {
            throw new ValueAuthenticationException(e.getMessage(), e);
        } catch (KeyRevokedException | KeyUnavailableException | UnknownTenantException e) {
            throw new ValueKeyUnavailableException(e.getMessage(), e);
        }
    }

    /** The tenant a storage key belongs to: its first 16 bytes. */
    private static Id128 tenant(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key);
        return new Id128(b.getLong(), b.getLong());
    }

    private static Aad binding(byte[] key) {
        return Aad.of(PURPOSE, Base64.getEncoder().encodeToString(key), 0);
    }
}
