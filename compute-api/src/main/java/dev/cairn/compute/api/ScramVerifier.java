package dev.cairn.compute.api;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A role secret in PostgreSQL's format: {@code SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>}.
 * The same string can be given to the compute with ALTER ROLE ... PASSWORD, which lets the proxy
 * authenticate there with the ClientKey it learns from the client's proof.
 */
public record ScramVerifier(int iterations, byte[] salt, byte[] storedKey, byte[] serverKey) {
    private static final Pattern FORMAT = Pattern.compile("SCRAM-SHA-256\\$(\\d+):([A-Za-z0-9+/=]+)\\$([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)");
    private static final SecureRandom RANDOM = new SecureRandom();
    public static final int DEFAULT_ITERATIONS = 4096;

    public ScramVerifier {
        if (iterations < 1 || storedKey.length != 32 || serverKey.length != 32 || salt.length == 0) {
            throw new IllegalArgumentException("invalid SCRAM-SHA-256 verifier");
        }
    }

    public static ScramVerifier parse(String text) {
        Matcher m = FORMAT.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a SCRAM-SHA-256 verifier (SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>)");
        }
        Base64.Decoder b64 = Base64.getDecoder();
        return new ScramVerifier(Integer.parseInt(m.group(1)), b64.decode(m.group(2)), b64.decode(m.group(3)), b64.decode(m.group(4)));
    }

    /** Derives a verifier from a password with a fresh random salt, as PostgreSQL's password_encryption does. */
    public static ScramVerifier fromPassword(String password, int iterations) {
        byte[] salt = new byte[16];
        RANDOM.nextBytes(salt);
        byte[] salted = ScramCrypto.saltedPassword(password, salt, iterations);
        byte[] clientKey = ScramCrypto.hmac(salted, "Client Key");
        return new ScramVerifier(iterations, salt, ScramCrypto.sha256(clientKey), ScramCrypto.hmac(salted, "Server Key"));
    }

    /** A verifier no password matches, for answering unknown roles like known ones (no role probing). */
    public static ScramVerifier impossible() {
        byte[] salt = new byte[16];
        byte[] stored = new byte[32];
        byte[] server = new byte[32];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(stored);
        RANDOM.nextBytes(server);
        return new ScramVerifier(DEFAULT_ITERATIONS, salt, stored, server);
    }

    public String encode() {
        Base64.Encoder b64 = Base64.getEncoder();
        return "SCRAM-SHA-256$" + iterations + ":" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(storedKey) + ":" + b64.encodeToString(serverKey);
    }

    @Override
    public String toString() {
        return "ScramVerifier[iterations=" + iterations + "]";
    }
}
