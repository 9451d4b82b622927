package dev.cairn.kms.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A body prefixed by one line {@code cairn-sha256 HEX\n} naming its SHA-256, so a torn or altered file is
 * detected instead of being parsed.
 */
public final class ChecksummedFile {
    private static final String PREFIX = "cairn-sha256 ";
    private static final int HEADER_LENGTH = PREFIX.length() + 64 + 1;

    private ChecksummedFile() {
    }

    public static byte[] encode(byte[] body) {
        byte[] header = (PREFIX + HexFormat.of().formatHex(sha256(body)) + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] out = Arrays.copyOf(header, header.length + body.length);
        System.arraycopy(body, 0, out, header.length, body.length);
        return out;
    }

    /** Returns the body, or throws {@link IllegalArgumentException} describing the mismatch. */
    public static byte[] decode(byte[] file) {
        if (file.length < HEADER_LENGTH || file[HEADER_LENGTH - 1] != '\n'
                || !new String(file, 0, PREFIX.length(), StandardCharsets.US_ASCII).equals(PREFIX)) {
            throw new IllegalArgumentException("missing checksum header");
        }
        byte[] expected;
        try {
            expected = HexFormat.of().parseHex(new String(file, PREFIX.length(), 64, StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed checksum header", e);
        }
        byte[] body = Arrays.copyOfRange(file, HEADER_LENGTH, file.length);
        if (!MessageDigest.isEqual(expected, sha256(body))) {
            throw new IllegalArgumentException("checksum mismatch (torn or altered file)");
        }
        return body;
    }

    private static byte[] sha256(byte[] body) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(body);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
