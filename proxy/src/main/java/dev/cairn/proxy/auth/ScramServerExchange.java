package dev.cairn.proxy.auth;

import dev.cairn.compute.api.ScramCrypto;
import dev.cairn.compute.api.ScramVerifier;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * The server side of one SCRAM-SHA-256 exchange (RFC 5802/7677) without channel binding:
 * client-first -> server-first, client-final -> server-final plus the client's keys.
 */
public final class ScramServerExchange {
    public static final String MECHANISM = "SCRAM-SHA-256";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ScramVerifier verifier;
    private final boolean roleKnown;
    private String clientFirstBare;
    private String serverFirst;
    private String nonce;
    private String gs2Header;

    /** verifier may be null for an unknown role: the exchange runs to the end and then fails like a wrong password. */
    public ScramServerExchange(ScramVerifier verifier) {
        this.roleKnown = verifier != null;
        this.verifier = verifier != null ? verifier : ScramVerifier.impossible();
    }

    public String serverFirst(String clientFirst) {
        if (clientFirst.startsWith("p=")) {
            throw new ScramException("channel binding is not offered by this server");
        }
        if (!clientFirst.startsWith("n,") && !clientFirst.startsWith("y,")) {
            throw new ScramException("malformed SCRAM message: unexpected GS2 header");
        }
        int bareStart = clientFirst.indexOf(',', 2);
        if (bareStart < 0) {
            throw new ScramException("malformed SCRAM message: no authzid terminator");
        }
        gs2Header = clientFirst.substring(0, bareStart + 1);
        clientFirstBare = clientFirst.substring(bareStart + 1);
        Map<Character, String> attrs = ScramMessages.attributes(clientFirstBare);
        String clientNonce = ScramMessages.require(attrs, 'r');
        byte[] raw = new byte[18];
        RANDOM.nextBytes(raw);
        nonce = clientNonce + Base64.getEncoder().encodeToString(raw);
        serverFirst = "r=" + nonce + ",s=" + Base64.getEncoder().encodeToString(verifier.salt()) + ",i=" + verifier.iterations();
        return serverFirst;
    }

    /** Verifies the client's proof; returns the server-final message and the keys learnt. */
    public Result serverFinal(String clientFinal) {
        if (serverFirst == null) {
            throw new ScramException("SCRAM client-final before client-first");
        }
        int proofAt = clientFinal.lastIndexOf(",p=");
        if (proofAt < 0) {
            throw new ScramException("malformed SCRAM message: missing proof");
        }
        String withoutProof = clientFinal.substring(0, proofAt);
        Map<Character, String> attrs = ScramMessages.attributes(withoutProof);
        String binding = ScramMessages.require(attrs, 'c');
        if (!binding.equals(Base64.getEncoder().encodeToString(gs2Header.getBytes(java.nio.charset.StandardCharsets.UTF_8)))) {
            throw new ScramException("unexpected SCRAM channel-binding data");
        }
        if (!nonce.equals(ScramMessages.require(attrs, 'r'))) {
            throw new ScramException("SCRAM nonce mismatch");
        }
        byte[] proof;
        try {
            proof = Base64.getDecoder().decode(clientFinal.substring(proofAt + 3));
        } catch (IllegalArgumentException e) {
            throw new ScramException("malformed SCRAM message: invalid proof encoding");
        }
        if (proof.length != 32) {
            throw new ScramException("malformed SCRAM message: invalid proof length");
        }
        String authMessage = clientFirstBare + "," + serverFirst + "," + withoutProof;
        byte[] clientSignature = ScramCrypto.hmac(verifier.storedKey(), authMessage);
        byte[] clientKey = ScramCrypto.xor(proof, clientSignature);
        boolean valid = MessageDigest.isEqual(ScramCrypto.sha256(clientKey), verifier.storedKey());
        if (!valid || !roleKnown) {
            throw new ScramException("password authentication failed", true);
        }
        String serverFinal = "v=" + Base64.getEncoder().encodeToString(ScramCrypto.hmac(verifier.serverKey(), authMessage));
        return new Result(serverFinal, new ScramKeys(clientKey, verifier.serverKey()));
    }

    public record Result(String serverFinal, ScramKeys keys) {}
}
