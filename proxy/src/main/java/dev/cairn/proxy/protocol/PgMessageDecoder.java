package dev.cairn.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.util.List;

/** Frames typed messages (type byte, int32 length including itself, body). */
public final class PgMessageDecoder extends ByteToMessageDecoder {
    private final int maxLength;

    public PgMessageDecoder(int maxLength) {
        this.maxLength = maxLength;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 5) {
            return;
        }
        int length = in.getInt(in.readerIndex() + 1);
        if (length < 4 || length > maxLength) {
            in.skipBytes(in.readableBytes());
            throw new ProxyException(SqlState.PROTOCOL_VIOLATION, null, "invalid message length " + length);
        }
        if (in.readableBytes() < 1 + length) {
            return;
        }
        byte type = in.readByte();
        in.skipBytes(4);
        out.add(new PgMessage(type, in.readRetainedSlice(length - 4)));
    }
}
