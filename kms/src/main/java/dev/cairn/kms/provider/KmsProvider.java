package dev.cairn.kms.provider;

/**
 * One KMS. Wraps and unwraps key material (KEKs) under a CMK the customer controls; the CMK never
 * leaves the KMS. Implementations must throw only {@link KmsException} subclasses, classified.
 */
public interface KmsProvider extends AutoCloseable {

    /** The key-reference scheme this provider serves, e.g. {@code aws-kms}. */
    String scheme();

    /** Encrypts {@code plaintextKey} under the CMK, bound to {@code context}. */
    WrappedKey wrap(KeyRef cmk, byte[] plaintextKey, WrapContext context);

    /** Decrypts a key wrapped by {@link #wrap}; the context must be the one used to wrap. */
    byte[] unwrap(WrappedKey wrapped, WrapContext context);

    /** The CMK's state and primary version. */
    KeyDescription describe(KeyRef cmk);

    /** A cheap reachability check. */
    ProviderHealth health();

    @Override
    default void close() {
    }
}
