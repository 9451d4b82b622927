package dev.cairn.proxy.auth;

import dev.cairn.compute.api.ScramCrypto;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The client side of SCRAM-SHA-256 driven by keys instead of a password: ClientKey signs the
 * proof and ServerKey checks the server's signature, so the compute must hold the same verifier.
 */
public final class ScramClientExchange {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String GS2_HEADER = "n,,";

    private final ScramKeys keys;
    private final String clientFirstBare;
    private final String clientNonce;
    private String expectedServerSignature;

    public ScramClientExchange(ScramKeys keys) {
        this.keys = keys;
        byte[] raw = new byte[18];
        RANDOM.nextBytes(raw);
        this.clientNonce = Base64.getEncoder().encodeToString(raw);
        // PostgreSQL takes the user from the startup packet and ignores n=.
        this.clientFirstBare = "n=,r=" + clientNonce;
    }

    public String clientFirst() {
        return GS2_HEADER + clientFirstBare;
    }

    public String clientFinal(String serverFirst) {
        Map<Character, String> attrs = ScramMessages.attributes(serverFirst);
        String nonce = ScramMessages.require(attrs, 'r');
        if (!nonce.startsWith(clientNonce)) {
            throw new ScramException("server nonce does not extend the client nonce");
        }
        String withoutProof = "c=" + Base64.getEncoder().encodeToString(GS2_HEADER.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) + ",r=" + nonce;
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientSignature = ScramCrypto.hmac(ScramCrypto.sha256(keys.clientKey()), authMessage);
        byte[] proof = ScramCrypto.xor(keys.clientKey(), clientSignature);
        expectedServerSignature = Base64.getEncoder().encodeToString(ScramCrypto.hmac(keys.serverKey(), authMessage));
        return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
    }

    /** Checks the server's signature: a compute that cannot produce it does not hold the verifier. */
    public void verifyServerFinal(String serverFinal) {
        Map<Character, String> attrs = ScramMessages.attributes(serverFinal);
        if (attrs.containsKey('e')) {
            throw new ScramException("server rejected SCRAM exchange: " + attrs.get('e'), true);
        }
        String v = ScramMessages.require(attrs, 'v');
        if (expectedServerSignature == null || !MessageDigest.isEqual(v.getBytes(), expectedServerSignature.getBytes())) {
            throw new ScramException("invalid server signature", true);
        }
    }
}
