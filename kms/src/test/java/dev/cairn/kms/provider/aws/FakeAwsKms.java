package dev.cairn.kms.provider.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A wire-compatible AWS KMS endpoint (JSON 1.1 protocol over HTTP, {@code X-Amz-Target: TrentService.*})
 * on 127.0.0.1 for tests: Encrypt, Decrypt, DescribeKey with real AES-GCM under per-key backing keys,
 * encryption contexts enforced, key rotation (new backing key), Disabled keys, and injected errors
 * (ThrottlingException, 500 KMSInternalException).
 */
final class FakeAwsKms implements AutoCloseable {
    static final String ACCOUNT = "111122223333";
    static final String REGION = "us-east-1";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** An error to return for the next request. */
    record Fault(int status, String type) {
    }

    static final class Key {
        final String arn;
        final List<byte[]> backing = new CopyOnWriteArrayList<>();
        volatile boolean enabled = true;

        Key(String arn) {
            this.arn = arn;
            rotate();
        }

        void rotate() {
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            backing.add(k);
        }
    }

    final Map<String, Key> keys = new ConcurrentHashMap<>();
    final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    final List<String> targets = new CopyOnWriteArrayList<>();
    final List<Map<String, String>> contexts = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    FakeAwsKms() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    String createKey(String id) {
        String arn = "arn:aws:kms:" + REGION + ":" + ACCOUNT + ":key/" + id;
        keys.put(arn, new Key(arn));
        return arn;
    }

    private Key find(String keyId) {
        if (keyId == null) {
            return null;
        }
        Key k = keys.get(keyId);
        if (k != null) {
            return k;
        }
        return keys.values().stream().filter(x -> x.arn.endsWith(":key/" + keyId)).findFirst().orElse(null);
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String target = ex.getRequestHeaders().getFirst("X-Amz-Target");
            targets.add(String.valueOf(target));
            JsonNode req = JSON.readTree(ex.getRequestBody().readAllBytes());
            Fault f = faults.poll();
            if (f != null) {
                error(ex, f.status(), f.type(), "injected fault");
                return;
            }
            if (target == null || !target.startsWith("TrentService.")) {
                error(ex, 400, "UnknownOperationException", "missing target");
                return;
            }
            switch (target.substring("TrentService.".length())) {
                case "Encrypt" -> encrypt(ex, req);
                case "Decrypt" -> decrypt(ex, req);
                case "DescribeKey" -> describe(ex, req);
                default -> error(ex, 400, "UnknownOperationException", target);
            }
        } catch (RuntimeException e) {
            error(ex, 500, "KMSInternalException", e.toString());
        }
    }

    private void encrypt(HttpExchange ex, JsonNode req) throws IOException {
        Key k = find(req.path("KeyId").asText(null));
        if (k == null) {
            error(ex, 400, "NotFoundException", "Key not found");
            return;
        }
        if (!k.enabled) {
            error(ex, 400, "DisabledException", k.arn + " is disabled.");
            return;
        }
        Map<String, String> ctx = context(req);
        contexts.add(ctx);
        int version = k.backing.size() - 1;
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(nonce);
        byte[] arn = k.arn.getBytes(StandardCharsets.UTF_8);
        byte[] ct = gcm(Cipher.ENCRYPT_MODE, k.backing.get(version), nonce, aad(ctx),
                Base64.getDecoder().decode(req.path("Plaintext").asText()));
        byte[] blob = ByteBuffer.allocate(2 + arn.length + 4 + 12 + ct.length).putShort((short) arn.length).put(arn)
                .putInt(version).put(nonce).put(ct).array();
        ObjectNode out = JSON.createObjectNode();
        out.put("CiphertextBlob", Base64.getEncoder().encodeToString(blob));
        out.put("KeyId", k.arn);
        out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        ok(ex, out);
    }

    private void decrypt(HttpExchange ex, JsonNode req) throws IOException {
        ByteBuffer blob = ByteBuffer.wrap(Base64.getDecoder().decode(req.path("CiphertextBlob").asText()));
        Key k;
        int version;
        byte[] nonce = new byte[12];
        byte[] ct;
        try {
            byte[] arn = new byte[blob.getShort()];
            blob.get(arn);
            k = keys.get(new String(arn, StandardCharsets.UTF_8));
            version = blob.getInt();
            blob.get(nonce);
            ct = new byte[blob.remaining()];
            blob.get(ct);
        } catch (RuntimeException e) {
            error(ex, 400, "InvalidCiphertextException", "malformed ciphertext");
            return;
        }
        if (k == null || version < 0 || version >= k.backing.size()) {
            error(ex, 400, "InvalidCiphertextException", "unknown key");
            return;
        }
        Key requested = find(req.path("KeyId").asText(null));
        if (requested != null && requested != k) {
            error(ex, 400, "IncorrectKeyException", "ciphertext was not encrypted under " + requested.arn);
            return;
        }
        if (!k.enabled) {
            error(ex, 400, "DisabledException", k.arn + " is disabled.");
            return;
        }
        Map<String, String> ctx = context(req);
        contexts.add(ctx);
        byte[] plain;
        try {
            plain = gcm(Cipher.DECRYPT_MODE, k.backing.get(version), nonce, aad(ctx), ct);
        } catch (IllegalStateException e) {
            error(ex, 400, "InvalidCiphertextException", "");
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("Plaintext", Base64.getEncoder().encodeToString(plain));
        out.put("KeyId", k.arn);
        out.put("EncryptionAlgorithm", "SYMMETRIC_DEFAULT");
        ok(ex, out);
    }

    private void describe(HttpExchange ex, JsonNode req) throws IOException {
        Key k = find(req.path("KeyId").asText(null));
        if (k == null) {
            error(ex, 400, "NotFoundException", "Key not found");
            return;
        }
        ObjectNode out = JSON.createObjectNode();
        ObjectNode m = out.putObject("KeyMetadata");
        m.put("AWSAccountId", ACCOUNT);
        m.put("KeyId", k.arn.substring(k.arn.indexOf("key/") + 4));
        m.put("Arn", k.arn);
        m.put("Enabled", k.enabled);
        m.put("KeyState", k.enabled ? "Enabled" : "Disabled");
        m.put("KeyUsage", "ENCRYPT_DECRYPT");
        m.put("KeySpec", "SYMMETRIC_DEFAULT");
        m.put("CreationDate", 1.7e9);
        ok(ex, out);
    }

    private static Map<String, String> context(JsonNode req) {
        Map<String, String> ctx = new TreeMap<>();
        req.path("EncryptionContext").fields().forEachRemaining(e -> ctx.put(e.getKey(), e.getValue().asText()));
        return ctx;
    }

    private static byte[] aad(Map<String, String> ctx) {
        return ctx.toString().getBytes(StandardCharsets.UTF_8);
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

    private static void ok(HttpExchange ex, JsonNode body) throws IOException {
        send(ex, 200, JSON.writeValueAsBytes(body));
    }

    private static void error(HttpExchange ex, int status, String type, String message) throws IOException {
        ObjectNode body = JSON.createObjectNode();
        body.put("__type", type);
        body.put("message", message);
        send(ex, status, JSON.writeValueAsBytes(body));
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/x-amz-json-1.1");
        ex.getResponseHeaders().set("x-amzn-RequestId", java.util.UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }

    List<String> targetsSnapshot() {
        return new ArrayList<>(targets);
    }
}
