package dev.cairn.safekeeper.api;

import com.google.protobuf.ByteString;
import dev.cairn.common.Lsn;

import java.util.zip.CRC32C;

/**
 * CRC-32C over the WAL carried by a message (appends, recovery reads, streamed chunks). TCP's own checksum
 * is weak, and a stream damaged in between (a faulty middlebox, a relay that loses bytes) can still parse as
 * a well-formed message carrying WAL from another position: without this it would be stored as if it were
 * the WAL at the message's LSN.
 */
public final class WalPayloadChecksum {
    private WalPayloadChecksum() {
    }

    public static int of(ByteString data) {
        CRC32C c = new CRC32C();
        c.update(data.asReadOnlyByteBuffer());
        return (int) c.getValue();
    }

    public static int of(byte[] data) {
        CRC32C c = new CRC32C();
        c.update(data);
        return (int) c.getValue();
    }

    /** @throws MalformedMessageException when the payload does not match the checksum sent with it */
    public static void verify(int expected, ByteString data, Lsn begin) throws MalformedMessageException {
        int actual = of(data);
        if (actual != expected) {
            throw new MalformedMessageException(String.format("WAL payload of %d bytes at %s fails its CRC-32C "
                    + "(sent %08x, got %08x): damaged in transit", data.size(), begin, expected, actual));
        }
    }
}
