package dev.cairn.kms;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The identity a ciphertext is bound to: what it is for ({@code purpose}, e.g. {@code wal} or
 * {@code page}), which object it belongs to ({@code object}, e.g. a timeline and segment name or a
 * relation fork) and where inside it ({@code position}, e.g. a byte offset or block number and LSN).
 * The tenant and DEK are bound by the hierarchy itself, so a ciphertext moved to another tenant, object
 * or position, or swapped with another, fails authentication.
 */
public record Aad(String purpose, String object, long position) {

    public Aad {
        if (purpose == null || purpose.isEmpty()) {
            throw new IllegalArgumentException("AAD purpose is required");
        }
        if (object == null) {
            throw new IllegalArgumentException("AAD object is required (may be empty)");
        }
    }

    public static Aad of(String purpose, String object, long position) {
        return new Aad(purpose, object, position);
    }

    /** Canonical, unambiguous encoding (length-prefixed strings). */
    public byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(32 + object.length());
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(purpose);
            out.writeUTF(object);
            out.writeLong(position);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
