package dev.cairn.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.List;

/** Encoders for the messages the proxy sends to clients while acting as the server. */
public final class ServerMessages {
    private static final int AUTH_OK = 0;
    private static final int AUTH_SASL = 10;
    private static final int AUTH_SASL_CONTINUE = 11;
    private static final int AUTH_SASL_FINAL = 12;

    private ServerMessages() {}

    public static ByteBuf authenticationSasl(ByteBufAllocator alloc, List<String> mechanisms) {
        ByteBuf body = alloc.buffer().writeInt(AUTH_SASL);
        for (String m : mechanisms) {
            body.writeCharSequence(m, StandardCharsets.US_ASCII);
            body.writeByte(0);
        }
        body.writeByte(0);
        return frame(alloc, 'R', body);
    }

    public static ByteBuf authenticationSaslContinue(ByteBufAllocator alloc, String data) {
        return authData(alloc, AUTH_SASL_CONTINUE, data);
    }

    public static ByteBuf authenticationSaslFinal(ByteBufAllocator alloc, String data) {
        return authData(alloc, AUTH_SASL_FINAL, data);
    }

    public static ByteBuf authenticationOk(ByteBufAllocator alloc) {
        return frame(alloc, 'R', alloc.buffer(4).writeInt(AUTH_OK));
    }

    public static ByteBuf backendKeyData(ByteBufAllocator alloc, CancelKey key) {
        return frame(alloc, 'K', alloc.buffer(8).writeInt(key.processId()).writeInt(key.secretKey()));
    }

    /**
     * Tells a client asking for 3.x (x > 0) or _pq_ options what this server speaks: 3.0 and none of
     * them. Like PostgreSQL, the version field carries the whole version word, not just the minor.
     */
    public static ByteBuf negotiateProtocolVersion(ByteBufAllocator alloc, List<String> unrecognizedOptions) {
        ByteBuf body = alloc.buffer().writeInt(3 << 16).writeInt(unrecognizedOptions.size());
        for (String option : unrecognizedOptions) {
            body.writeCharSequence(option, StandardCharsets.UTF_8);
            body.writeByte(0);
        }
        return frame(alloc, 'v', body);
    }

    private static ByteBuf authData(ByteBufAllocator alloc, int code, String data) {
        ByteBuf body = alloc.buffer().writeInt(code);
        body.writeCharSequence(data, StandardCharsets.UTF_8);
        return frame(alloc, 'R', body);
    }

    /** Wraps and releases body as a typed message. */
    public static ByteBuf frame(ByteBufAllocator alloc, char type, ByteBuf body) {
        ByteBuf out = alloc.buffer(5 + body.readableBytes());
        out.writeByte(type).writeInt(4 + body.readableBytes()).writeBytes(body);
        body.release();
        return out;
    }
}
