package dev.cairn.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

import java.nio.charset.StandardCharsets;

/** A PostgreSQL ErrorResponse ('E') message. */
public record ErrorResponse(String severity, SqlState sqlState, String message) {

    public static ErrorResponse fatal(SqlState sqlState, String message) {
        return new ErrorResponse("FATAL", sqlState, message);
    }

    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf body = alloc.buffer();
        field(body, 'S', severity);
        field(body, 'V', severity); // non-localized severity, as PostgreSQL >= 9.6 sends
        field(body, 'C', sqlState.code());
        field(body, 'M', message);
        body.writeByte(0);
        ByteBuf out = alloc.buffer(5 + body.readableBytes());
        out.writeByte('E').writeInt(4 + body.readableBytes()).writeBytes(body);
        body.release();
        return out;
    }

    private static void field(ByteBuf buf, char code, String value) {
        buf.writeByte(code);
        buf.writeCharSequence(value, StandardCharsets.UTF_8);
        buf.writeByte(0);
    }
}
