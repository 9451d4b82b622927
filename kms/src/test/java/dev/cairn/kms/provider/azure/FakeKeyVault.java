package dev.cairn.kms.provider.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.crypto.Cipher;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import java.io.IOException;
import java.math.BigInteger;
import java.net.InetSocketAddress;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.MGF1ParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A wire-compatible Azure Key Vault keys endpoint over HTTPS on 127.0.0.1: the bearer challenge (401 with
 * {@code WWW-Authenticate}), GET key, wrapkey/unwrapkey with real RSA-OAEP-256 under versioned RSA keys,
 * disabled keys (403 KeyDisabled) and injected 429/5xx errors.
 */
final class FakeKeyVault implements AutoCloseable {
    static final String TOKEN = "fake-access-token";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64URL_DEC = Base64.getUrlDecoder();

    static final class Key {
        final List<String> versions = new CopyOnWriteArrayList<>();
        final Map<String, KeyPair> pairs = new ConcurrentHashMap<>();
        volatile boolean enabled = true;

        Key() {
            rotate();
        }

        String rotate() {
            try {
                KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
                g.initialize(2048);
                String v = UUID.randomUUID().toString().replace("-", "");
                pairs.put(v, g.generateKeyPair());
                versions.add(v);
                return v;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        String latest() {
            return versions.get(versions.size() - 1);
        }
    }

    final Map<String, Key> keys = new ConcurrentHashMap<>();
    final Queue<Integer> faults = new ConcurrentLinkedQueue<>();
    final List<String> requests = new CopyOnWriteArrayList<>();
    private final HttpsServer server;

    FakeKeyVault(SelfSignedTls tls) throws IOException {
        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls.server));
        server.createContext("/", this::handle);
        server.start();
    }

    String endpoint() {
        return "https://127.0.0.1:" + server.getAddress().getPort();
    }

    Key createKey(String name) {
        Key k = new Key();
        keys.put(name, k);
        return k;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            byte[] body = ex.getRequestBody().readAllBytes();
            String path = ex.getRequestURI().getPath();
            requests.add(ex.getRequestMethod() + " " + path);
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (!("Bearer " + TOKEN).equals(auth)) {
                ex.getResponseHeaders().set("WWW-Authenticate", "Bearer authorization=\"https://login.microsoftonline.com/"
                        + "00000000-0000-0000-0000-000000000000\", resource=\"https://vault.azure.net\"");
                send(ex, 401, error("Unauthorized", "AKV10000: Request is missing a Bearer or PoP token.", null));
                return;
            }
            Integer fault = faults.poll();
            if (fault != null) {
                send(ex, fault, error(fault == 429 ? "Throttled" : "InternalServerError", "injected", null));
                return;
            }
            List<String> seg = new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
            if (seg.size() < 2 || !seg.get(0).equals("keys")) {
                send(ex, 404, error("NotFound", "no such path", null));
                return;
            }
            String op = seg.get(seg.size() - 1);
            boolean crypto = op.equals("wrapkey") || op.equals("unwrapkey");
            if (crypto) {
                seg.remove(seg.size() - 1);
            }
            Key k = keys.get(seg.get(1));
            if (k == null) {
                send(ex, 404, error("KeyNotFound", "A key with (name/id) " + seg.get(1) + " was not found in this key vault.", null));
                return;
            }
            String version = seg.size() >= 3 ? seg.get(2) : k.latest();
            KeyPair pair = k.pairs.get(version);
            if (pair == null) {
                send(ex, 404, error("KeyNotFound", "no version " + version, null));
                return;
            }
            String kid = endpoint() + "/keys/" + seg.get(1) + "/" + version;
            if (!crypto) {
                send(ex, 200, keyBundle(kid, pair, k.enabled));
                return;
            }
            if (!k.enabled) {
                send(ex, 403, error("Forbidden", "Operation " + op + " is not allowed on a disabled key.", "KeyDisabled"));
                return;
            }
            JsonNode req = JSON.readTree(body);
            if (!"RSA-OAEP-256".equals(req.path("alg").asText())) {
                send(ex, 400, error("BadParameter", "unsupported alg " + req.path("alg").asText(), null));
                return;
            }
            byte[] value;
            try {
                Cipher c = Cipher.getInstance("RSA/ECB/OAEPWithSHA-256AndMGF1Padding");
                OAEPParameterSpec spec = new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT);
                if (op.equals("wrapkey")) {
                    c.init(Cipher.ENCRYPT_MODE, pair.getPublic(), spec);
                } else {
                    c.init(Cipher.DECRYPT_MODE, pair.getPrivate(), spec);
                }
                value = c.doFinal(B64URL_DEC.decode(req.path("value").asText()));
            } catch (Exception e) {
                send(ex, 400, error("BadParameter", "The parameter is incorrect.", null));
                return;
            }
            ObjectNode out = JSON.createObjectNode();
            out.put("kid", kid);
            out.put("value", B64URL.encodeToString(value));
            send(ex, 200, JSON.writeValueAsBytes(out));
        } catch (RuntimeException e) {
            send(ex, 500, error("InternalServerError", e.toString(), null));
        }
    }

    private static byte[] keyBundle(String kid, KeyPair pair, boolean enabled) throws IOException {
        RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
        ObjectNode out = JSON.createObjectNode();
        ObjectNode key = out.putObject("key");
        key.put("kid", kid);
        key.put("kty", "RSA");
        key.putArray("key_ops").add("wrapKey").add("unwrapKey");
        key.put("n", B64URL.encodeToString(unsigned(pub.getModulus())));
        key.put("e", B64URL.encodeToString(unsigned(pub.getPublicExponent())));
        ObjectNode attrs = out.putObject("attributes");
        attrs.put("enabled", enabled);
        attrs.put("created", 1_700_000_000L);
        attrs.put("updated", 1_700_000_000L);
        attrs.put("recoveryLevel", "Recoverable+Purgeable");
        return JSON.writeValueAsBytes(out);
    }

    private static byte[] unsigned(BigInteger i) {
        byte[] b = i.toByteArray();
        return b[0] == 0 ? Arrays.copyOfRange(b, 1, b.length) : b;
    }

    private static byte[] error(String code, String message, String inner) throws IOException {
        ObjectNode out = JSON.createObjectNode();
        ObjectNode e = out.putObject("error");
        e.put("code", code);
        e.put("message", message);
        if (inner != null) {
            e.putObject("innererror").put("code", inner);
        }
        return JSON.writeValueAsBytes(out);
    }

    private static void send(HttpExchange ex, int status, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        ex.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
        ex.sendResponseHeaders(status, body.length);
        ex.getResponseBody().write(body);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
