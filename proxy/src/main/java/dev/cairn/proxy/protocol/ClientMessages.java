package dev.cairn.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Encoders for the messages the proxy sends to a compute while acting as its client. */
public final class ClientMessages {
    private ClientMessages() {}

    public static ByteBuf startupMessage(ByteBufAllocator alloc, Map<String, String> parameters) {
        ByteBuf body = alloc.buffer().writeInt(3 << 16);
        parameters.forEach((k, v) -> {
            cString(body, k);
            cString(body, v);
        });
        body.writeByte(0);
        ByteBuf out = alloc.buffer(4 + body.readableBytes()).writeInt(4 + body.readableBytes()).writeBytes(body);
        body.release();
        return out;
    }

    public static ByteBuf saslInitialResponse(ByteBufAllocator alloc, String mechanism, String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        ByteBuf body = alloc.buffer();
        cString(body, mechanism);
        body.writeInt(bytes.length).writeBytes(bytes);
        return ServerMessages.frame(alloc, 'p', body);
    }

    public static ByteBuf saslResponse(ByteBufAllocator alloc, String data) {
        ByteBuf body = alloc.buffer();
        body.writeCharSequence(data, StandardCharsets.UTF_8);
        return ServerMessages.frame(alloc, 'p', body);
    }

    public static ByteBuf cancelRequest(ByteBufAllocator alloc, CancelKey key) {
        return alloc.buffer(16).writeInt(16).writeInt(StartupPacket.CANCEL_REQUEST_CODE)
                .writeInt(key.processId()).writeInt(key.secretKey());
    }

    private static void cString(ByteBuf buf, String s) {
        buf.writeCharSequence(s, StandardCharsets.UTF_8);
        buf.writeByte(0);
    }
}
