package dev.cairn.kms.provider.local;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.cairn.kms.crypto.AesGcm;
import dev.cairn.kms.crypto.KeyMaterial;
import dev.cairn.kms.provider.KeyDescription;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KeyStatus;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsProvider;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.KmsTransientException;
import dev.cairn.kms.provider.ProviderHealth;
import dev.cairn.kms.provider.WrapContext;
import dev.cairn.kms.provider.WrappedKey;
import dev.cairn.common.AtomicFile;
import dev.cairn.kms.store.ChecksummedFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.AEADBadTagException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * The embedded {@code local://NAME} provider. NOT FOR PRODUCTION: master keys (random 256-bit, versioned)
 * are stored in a 0600 file beside the data. Wraps are AES-256-GCM under the primary version, bound to
 * the key name, version and wrap context. Keys can be disabled, enabled, destroyed and rotated like
 * a cloud CMK, which is how tests and {@code cairn keys} exercise revocation and CMK rotation offline.
 * The file is re-read on every call so changes by another process (the CLI) are seen.
 */
public final class LocalKmsProvider implements KmsProvider {
    public static final String SCHEME = "local";
    private static final Logger LOG = LoggerFactory.getLogger(LocalKmsProvider.class);
    private static final byte[] MAGIC = "LKW1".getBytes(StandardCharsets.US_ASCII);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final boolean createMissingKeys;
    private final InstantSource clock;
    private boolean warned;

    /**
     * @param createMissingKeys create a key on first wrap under an unknown name (the embedded default);
     *                          otherwise an unknown key is refused like a missing cloud key
     */
    public LocalKmsProvider(Path file, boolean createMissingKeys, InstantSource clock) {
        this.file = file;
        this.createMissingKeys = createMissingKeys;
        this.clock = clock;
    }

    private void warnOnce() {
        if (!warned) {
            warned = true;
            LOG.warn("local KMS provider in use ({}): NOT FOR PRODUCTION, master keys are stored beside the data", file);
        }
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    public Path file() {
        return file;
    }

    @Override
    public synchronized WrappedKey wrap(KeyRef cmk, byte[] plaintextKey, WrapContext context) {
        warnOnce();
        String name = name(cmk);
        LocalKey found = read().keys().get(name);
        if (found == null) {
            if (!createMissingKeys) {
                throw new KmsKeyRevokedException(cmk, "local key '" + name + "' does not exist", null);
            }
            createKey(name); // under the keyring lock: another process may be creating it right now
            found = read().keys().get(name);
        }
        LocalKeyVersion v = found.primaryVersion();
        requireUsable(cmk, v);
        KeyMaterial master = new KeyMaterial(v.material().clone());
        try {
            byte[] sealed = AesGcm.wrap(master, aad(name, v.version(), context), plaintextKey);
            byte[] blob = ByteBuffer.allocate(MAGIC.length + 4 + sealed.length).put(MAGIC).putInt(v.version())
                    .put(sealed).array();
            return new WrappedKey(cmk, Integer.toString(v.version()), blob);
        } finally {
            master.destroy();
        }
    }

    @Override
    public synchronized byte[] unwrap(WrappedKey wrapped, WrapContext context) {
        warnOnce();
        KeyRef cmk = wrapped.keyRef();
        String name = name(cmk);
        byte[] blob = wrapped.blob();
        if (blob.length < MAGIC.length + 4 || !Arrays.equals(blob, 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw new KmsRejectedException(cmk, "not a local-KMS wrapped key", null);
        }
        int version = ByteBuffer.wrap(blob, MAGIC.length, 4).getInt();
        LocalKey key = read().keys().get(name);
        if (key == null) {
            throw new KmsKeyRevokedException(cmk, "local key '" + name + "' does not exist", null);
        }
        LocalKeyVersion v = key.version(version)
                .orElseThrow(() -> new KmsRejectedException(cmk, "no version " + version + " of local key " + name, null));
        requireUsable(cmk, v);
        KeyMaterial master = new KeyMaterial(v.material().clone());
        try {
            return AesGcm.unwrap(master, aad(name, version, context),
                    Arrays.copyOfRange(blob, MAGIC.length + 4, blob.length));
        } catch (AEADBadTagException e) {
            throw new KmsRejectedException(cmk, "wrapped key failed authentication (altered, or wrong context)", e);
        } finally {
            master.destroy();
        }
    }

    @Override
    public synchronized KeyDescription describe(KeyRef cmk) {
        LocalKey key = read().keys().get(name(cmk));
        if (key == null) {
            return new KeyDescription(cmk, KeyStatus.DESTROYED, "");
        }
        return new KeyDescription(cmk, key.status(), Integer.toString(key.primary()));
    }

    @Override
    public ProviderHealth health() {
        try {
            read();
            return ProviderHealth.ok(SCHEME, "keyring " + file + " readable (NOT FOR PRODUCTION)");
        } catch (RuntimeException e) {
            return ProviderHealth.down(SCHEME, e.getMessage());
        }
    }

    /** Creates a key if missing; returns its primary version. */
    public synchronized int createKey(String name) {
        return KeyringLock.around(file, () -> createUnlocked(name));
    }

    private int createUnlocked(String name) {
        LocalKeyringFile ring = read();
        LocalKey key = ring.keys().get(name);
        if (key != null) {
            return key.primary();
        }
        write(ring.with(name, new LocalKey(1, List.of(newVersion(1)))));
        LOG.warn("created local master key '{}' (NOT FOR PRODUCTION)", name);
        return 1;
    }

    /** Adds a new primary version (old versions still unwrap); returns it. */
    public synchronized int rotateKey(String name) {
        return KeyringLock.around(file, () -> rotateUnlocked(name));
    }

    private int rotateUnlocked(String name) {
        LocalKeyringFile ring = read();
        LocalKey key = require(ring, name);
        int v = key.versions().stream().mapToInt(LocalKeyVersion::version).max().orElse(0) + 1;
        write(ring.with(name, key.withNewPrimary(newVersion(v))));
        LOG.info("local master key '{}' rotated to version {}", name, v);
        return v;
    }

    /** Disables every version: unwraps are refused, as when a customer disables a cloud CMK. */
    public synchronized void disableKey(String name) {
        setState(name, KeyStatus.DISABLED);
    }

    public synchronized void enableKey(String name) {
        setState(name, KeyStatus.ENABLED);
    }

    /** Irreversibly erases the key material of every version. */
    public synchronized void destroyKey(String name) {
        setState(name, KeyStatus.DESTROYED);
    }

    private void setState(String name, KeyStatus state) {
        KeyringLock.around(file, () -> {
            LocalKeyringFile ring = read();
            write(ring.with(name, require(ring, name).withState(state)));
            return null;
        });
        LOG.warn("local master key '{}' is now {}", name, state);
    }

    private LocalKey require(LocalKeyringFile ring, String name) {
        LocalKey key = ring.keys().get(name);
        if (key == null) {
            throw new KmsRejectedException(KeyRef.local(name), "local key '" + name + "' does not exist", null);
        }
        return key;
    }

    private static void requireUsable(KeyRef cmk, LocalKeyVersion v) {
        if (v.state() != KeyStatus.ENABLED || v.material() == null) {
            throw new KmsKeyRevokedException(cmk, "local key version " + v.version() + " is " + v.state(), null);
        }
    }

    private LocalKeyVersion newVersion(int version) {
        byte[] m = new byte[KeyMaterial.LENGTH];
        RANDOM.nextBytes(m);
        return new LocalKeyVersion(version, KeyStatus.ENABLED, m, clock.instant().toString());
    }

    private static byte[] aad(String name, int version, WrapContext context) {
        byte[] prefix = ("local-kms|" + name + "|v" + version + "|").getBytes(StandardCharsets.UTF_8);
        byte[] ctx = context.aad();
        byte[] out = Arrays.copyOf(prefix, prefix.length + ctx.length);
        System.arraycopy(ctx, 0, out, prefix.length, ctx.length);
        return out;
    }

    private static String name(KeyRef ref) {
        if (!SCHEME.equals(ref.scheme()) || !ref.resource().matches("[A-Za-z0-9_.-]{1,128}")) {
            throw new KmsRejectedException(ref, "expected local://NAME with NAME of [A-Za-z0-9_.-]", null);
        }
        return ref.resource();
    }

    /**
     * A file {@code <keyring>.outage} beside the keyring makes every call fail as an unreachable cloud KMS
     * would (transient): how the chaos suite tests that an outage within the key cache TTL goes unnoticed.
     */
    public Path outageMarker() {
        return file.resolveSibling(file.getFileName() + ".outage");
    }

    private LocalKeyringFile read() {
        if (Files.exists(outageMarker())) {
            throw new KmsTransientException(KeyRef.local("*"), "local KMS unavailable (outage simulated by "
                    + outageMarker() + ")", null);
        }
        if (!Files.exists(file)) {
            return LocalKeyringFile.empty();
        }
        try {
            return JSON.readValue(ChecksummedFile.decode(Files.readAllBytes(file)), LocalKeyringFile.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read local keyring " + file, e);
        } catch (IllegalArgumentException e) {
            throw new KmsRejectedException(KeyRef.local("*"), "local keyring " + file + " is corrupt: " + e.getMessage(), e);
        }
    }

    private void write(LocalKeyringFile ring) {
        try {
            AtomicFile.write(file, ChecksummedFile.encode(JSON.writeValueAsBytes(ring)));
            if (!Files.getPosixFilePermissions(file).equals(Set.of(
                    java.nio.file.attribute.PosixFilePermission.OWNER_READ,
                    java.nio.file.attribute.PosixFilePermission.OWNER_WRITE))) {
                LOG.warn("local keyring {} is not mode 0600", file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write local keyring " + file, e);
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
    }
}
