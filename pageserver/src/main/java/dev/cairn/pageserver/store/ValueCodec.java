package dev.cairn.pageserver.store;

import dev.cairn.pageserver.crypto.ValueAuthenticationException;
import dev.cairn.pageserver.crypto.ValueCipher;
import dev.cairn.pageserver.crypto.ValueKeyUnavailableException;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

import java.nio.ByteBuffer;

/**
 * Turns a plaintext value (or a tombstone) into what RocksDB stores: compress
 * with lz4 when that helps (ciphertext does not compress, so compression must
 * come first), frame, then seal with the AAD = the RocksDB key.
 * Plaintext frame: kind u8 (0 raw, 1 lz4, 2 tombstone), for lz4 the raw length
 * u32, then the bytes.
 */
final class ValueCodec {
    private static final byte RAW = 0;
    private static final byte LZ4 = 1;
    private static final byte TOMBSTONE = 2;
    private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.fastestInstance().safeDecompressor();

    private final ValueCipher cipher;

    ValueCodec(ValueCipher cipher) {
        this.cipher = cipher;
    }

    /** @param value the plaintext, or null for a tombstone */
    byte[] seal(byte[] key, byte[] value) {
        byte[] frame;
        if (value == null) {
            frame = new byte[] {TOMBSTONE};
        } else if (value.length >= 64) {
            byte[] buf = new byte[5 + COMPRESSOR.maxCompressedLength(value.length)];
            int n = COMPRESSOR.compress(value, 0, value.length, buf, 5);
            if (n + 5 < value.length + 1) {
                ByteBuffer.wrap(buf).put(LZ4).putInt(value.length);
                frame = java.util.Arrays.copyOf(buf, 5 + n);
            } else {
                frame = raw(value);
            }
        } else {
            frame = raw(value);
        }
        try {
            return cipher.seal(key, frame);
        } catch (ValueKeyUnavailableException e) {
            throw new ValueKeyException(key, e.getMessage(), e);
        }
    }

    /** The plaintext, or null for a tombstone; a value that does not authenticate or unframe is a {@link CorruptValueException}. */
    byte[] open(byte[] key, byte[] stored) {
        byte[] frame;
        try {
            frame = cipher.open(key, stored);
        } catch (ValueAuthenticationException e) {
            throw new CorruptValueException(key, e.getMessage(), e);
        } catch (ValueKeyUnavailableException e) {
            throw new ValueKeyException(key, e.getMessage(), e);
        }
        if (frame.length == 0) {
            throw new CorruptValueException(key, "empty value frame", null);
        }
        switch (frame[0]) {
            case RAW:
                return java.util.Arrays.copyOfRange(frame, 1, frame.length);
            case TOMBSTONE:
                return null;
            case LZ4:
                if (frame.length < 5) {
                    throw new CorruptValueException(key, "short lz4 frame", null);
                }
                int rawLength = ByteBuffer.wrap(frame, 1, 4).getInt();
                if (rawLength < 0 || rawLength > (64 << 20)) {
                    throw new CorruptValueException(key, "lz4 frame claims " + rawLength + " bytes", null);
                }
                byte[] out = new byte[rawLength];
                try {
                    int n = DECOMPRESSOR.decompress(frame, 5, frame.length - 5, out, 0);
                    if (n != rawLength) {
                        throw new CorruptValueException(key, "lz4 produced " + n + " bytes, expected " + rawLength, null);
                    }
                } catch (LZ4Exception e) {
                    throw new CorruptValueException(key, "lz4 data is corrupt", e);
                }
                return out;
            default:
                throw new CorruptValueException(key, "unknown value frame kind " + frame[0], null);
        }
    }

    private static byte[] raw(byte[] value) {
        byte[] f = new byte[value.length + 1];
        f[0] = RAW;
        System.arraycopy(value, 0, f, 1, value.length);
        return f;
    }
}
