package dev.cairn.kms.crypto;

import javax.crypto.AEADBadTagException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The self-describing ciphertext format of data sealed by the hierarchy:
 * <pre>
 *   offset  size  field
 *   0       1     format version (1)
 *   1       8     DEK sequence number (big-endian)
 *   9       12    GCM nonce: 4-byte writer prefix || 8-byte counter (see {@link NonceSequence})
 *   21      n+16  AES-256-GCM ciphertext || 128-bit tag
 * </pre>
 * The GCM additional data is the 21-byte header followed by the caller's binding (tenant and
 * {@link dev.cairn.kms.Aad}), so every header bit and the identity are authenticated. Overhead: 37 bytes.
 */
public final class Envelope {
    public static final byte VERSION = 1;
    public static final int HEADER_LENGTH = 1 + 8 + AesGcm.NONCE_LENGTH;
    public static final int OVERHEAD = HEADER_LENGTH + AesGcm.TAG_LENGTH;

    private Envelope() {
    }

    /** The parsed header of an envelope. */
    public record Header(long dekSequence, byte[] nonce) {
    }

    public static byte[] seal(KeyMaterial key, long dekSequence, byte[] nonce, byte[] binding, byte[] plaintext) {
        byte[] out = new byte[OVERHEAD + plaintext.length];
        ByteBuffer.wrap(out).put(VERSION).putLong(dekSequence).put(nonce);
        byte[] aad = aad(out, binding);
        return AesGcm.encrypt(key, nonce, aad, plaintext, 0, plaintext.length, out, HEADER_LENGTH);
    }

    /** Parses the header; throws {@link AEADBadTagException} for anything that is not a version-1 envelope. */
    public static Header header(byte[] envelope) throws AEADBadTagException {
        if (envelope == null || envelope.length < OVERHEAD) {
            throw new AEADBadTagException("envelope too short");
        }
        if (envelope[0] != VERSION) {
            throw new AEADBadTagException("unknown envelope version " + envelope[0]);
        }
        long dek = ByteBuffer.wrap(envelope, 1, 8).getLong();
        if (dek <= 0) {
            throw new AEADBadTagException("invalid DEK sequence " + dek);
        }
        return new Header(dek, Arrays.copyOfRange(envelope, 9, HEADER_LENGTH));
    }

    public static byte[] open(KeyMaterial key, byte[] envelope, byte[] binding) throws AEADBadTagException {
        Header h = header(envelope);
        return AesGcm.decrypt(key, h.nonce(), aad(envelope, binding), envelope, HEADER_LENGTH,
                envelope.length - HEADER_LENGTH);
    }

    private static byte[] aad(byte[] envelope, byte[] binding) {
        byte[] aad = new byte[HEADER_LENGTH + binding.length];
        System.arraycopy(envelope, 0, aad, 0, HEADER_LENGTH);
        System.arraycopy(binding, 0, aad, HEADER_LENGTH, binding.length);
        return aad;
    }
}
