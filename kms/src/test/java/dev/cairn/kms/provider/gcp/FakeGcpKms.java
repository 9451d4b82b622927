package dev.cairn.kms.provider.gcp;

import com.google.cloud.kms.v1.CryptoKey;
import com.google.cloud.kms.v1.CryptoKeyVersion;
import com.google.cloud.kms.v1.DecryptRequest;
import com.google.cloud.kms.v1.DecryptResponse;
import com.google.cloud.kms.v1.EncryptRequest;
import com.google.cloud.kms.v1.EncryptResponse;
import com.google.cloud.kms.v1.GetCryptoKeyRequest;
import com.google.cloud.kms.v1.KeyManagementServiceGrpc;
import com.google.protobuf.ByteString;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Cloud KMS gRPC endpoint on 127.0.0.1 (the real {@code google.cloud.kms.v1.KeyManagementService}
 * service over netty): Encrypt / Decrypt with AAD enforced, GetCryptoKey, key versions with states,
 * and injected gRPC status errors.
 */
final class FakeGcpKms extends KeyManagementServiceGrpc.KeyManagementServiceImplBase implements AutoCloseable {
    private static final SecureRandom RANDOM = new SecureRandom();

    static final class Version {
        final byte[] key = new byte[32];
        volatile CryptoKeyVersion.CryptoKeyVersionState state = CryptoKeyVersion.CryptoKeyVersionState.ENABLED;

        Version() {
            RANDOM.nextBytes(key);
        }
    }

    static final class Key {
        final List<Version> versions = new CopyOnWriteArrayList<>();
        volatile int primary;

        Key() {
            versions.add(new Version());
            primary = 1;
        }

        int rotate() {
            versions.add(new Version());
            primary = versions.size();
            return primary;
        }

        void setState(CryptoKeyVersion.CryptoKeyVersionState s) {
            versions.forEach(v -> v.state = s);
        }
    }

    final Map<String, Key> keys = new ConcurrentHashMap<>();
    final Queue<Status> faults = new ConcurrentLinkedQueue<>();
    final List<ByteString> aads = new CopyOnWriteArrayList<>();
    private final Server server;

    FakeGcpKms() throws IOException {
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(this).build().start();
    }

    String endpoint() {
        return "127.0.0.1:" + server.getPort();
    }

    Key createKey(String name) {
        Key k = new Key();
        keys.put(name, k);
        return k;
    }

    private boolean fault(StreamObserver<?> obs) {
        Status s = faults.poll();
        if (s != null) {
            obs.onError(s.withDescription("injected").asRuntimeException());
            return true;
        }
        return false;
    }

    @Override
    public void encrypt(EncryptRequest req, StreamObserver<EncryptResponse> obs) {
        if (fault(obs)) {
            return;
        }
        Key k = keys.get(req.getName());
        if (k == null) {
            obs.onError(Status.NOT_FOUND.withDescription("CryptoKey " + req.getName() + " not found.").asRuntimeException());
            return;
        }
        Version v = k.versions.get(k.primary - 1);
        if (v.state != CryptoKeyVersion.CryptoKeyVersionState.ENABLED) {
            obs.onError(Status.FAILED_PRECONDITION.withDescription("The request cannot be fulfilled. Resource "
                    + req.getName() + "/cryptoKeyVersions/" + k.primary + " has value DISABLED in field crypto_key_version.state.")
                    .asRuntimeException());
            return;
        }
        aads.add(req.getAdditionalAuthenticatedData());
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        byte[] ct = gcm(Cipher.ENCRYPT_MODE, v.key, nonce, req.getAdditionalAuthenticatedData().toByteArray(),
                req.getPlaintext().toByteArray());
        byte[] blob = ByteBuffer.allocate(4 + 12 + ct.length).putInt(k.primary).put(nonce).put(ct).array();
        obs.onNext(EncryptResponse.newBuilder().setName(req.getName() + "/cryptoKeyVersions/" + k.primary)
                .setCiphertext(ByteString.copyFrom(blob)).build());
        obs.onCompleted();
    }

    @Override
    public void decrypt(DecryptRequest req, StreamObserver<DecryptResponse> obs) {
        if (fault(obs)) {
            return;
        }
        Key k = keys.get(req.getName());
        if (k == null) {
            obs.onError(Status.NOT_FOUND.withDescription("CryptoKey not found.").asRuntimeException());
            return;
        }
        ByteBuffer blob = ByteBuffer.wrap(req.getCiphertext().toByteArray());
        int version;
        byte[] nonce = new byte[12];
        byte[] ct;
        try {
            version = blob.getInt();
            blob.get(nonce);
            ct = new byte[blob.remaining()];
            blob.get(ct);
        } catch (RuntimeException e) {
            obs.onError(Status.INVALID_ARGUMENT.withDescription("Decryption failed: ciphertext is invalid.").asRuntimeException());
            return;
        }
        if (version < 1 || version > k.versions.size()) {
            obs.onError(Status.INVALID_ARGUMENT.withDescription("Decryption failed: ciphertext is invalid.").asRuntimeException());
            return;
        }
        Version v = k.versions.get(version - 1);
        if (v.state != CryptoKeyVersion.CryptoKeyVersionState.ENABLED) {
            obs.onError(Status.FAILED_PRECONDITION.withDescription("crypto key version " + version + " is " + v.state)
                    .asRuntimeException());
            return;
        }
        aads.add(req.getAdditionalAuthenticatedData());
        byte[] plain;
        try {
            plain = gcm(Cipher.DECRYPT_MODE, v.key, nonce, req.getAdditionalAuthenticatedData().toByteArray(), ct);
        } catch (IllegalStateException e) {
            obs.onError(Status.INVALID_ARGUMENT.withDescription("Decryption failed: the ciphertext is invalid.").asRuntimeException());
            return;
        }
        obs.onNext(DecryptResponse.newBuilder().setPlaintext(ByteString.copyFrom(plain)).build());
        obs.onCompleted();
    }

    @Override
    public void getCryptoKey(GetCryptoKeyRequest req, StreamObserver<CryptoKey> obs) {
        if (fault(obs)) {
            return;
        }
        Key k = keys.get(req.getName());
        if (k == null) {
            obs.onError(Status.NOT_FOUND.asRuntimeException());
            return;
        }
        obs.onNext(CryptoKey.newBuilder().setName(req.getName())
                .setPrimary(CryptoKeyVersion.newBuilder().setName(req.getName() + "/cryptoKeyVersions/" + k.primary)
                        .setState(k.versions.get(k.primary - 1).state))
                .build());
        obs.onCompleted();
    }

    private static byte[] gcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] in) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, nonce));
            c.updateAAD(aad);
            return c.doFinal(in);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
}
