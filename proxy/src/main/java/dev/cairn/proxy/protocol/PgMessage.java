package dev.cairn.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.ReferenceCounted;

/**
 * A typed protocol message: type byte and body (without the length word). Reference counted
 * through its body so Netty's handlers release it like any buffer.
 */
public record PgMessage(byte type, ByteBuf body) implements ReferenceCounted {

    /** A fresh buffer holding the whole message, for relaying it unchanged. */
    public ByteBuf encode(ByteBufAllocator alloc) {
        ByteBuf out = alloc.buffer(5 + body.readableBytes());
        out.writeByte(type).writeInt(4 + body.readableBytes()).writeBytes(body, body.readerIndex(), body.readableBytes());
        return out;
    }

    @Override
    public int refCnt() {
        return body.refCnt();
    }

    @Override
    public PgMessage retain() {
        body.retain();
        return this;
    }

    @Override
    public PgMessage retain(int increment) {
        body.retain(increment);
        return this;
    }

    @Override
    public PgMessage touch() {
        body.touch();
        return this;
    }

    @Override
    public PgMessage touch(Object hint) {
        body.touch(hint);
        return this;
    }

    @Override
    public boolean release() {
        return body.release();
    }

    @Override
    public boolean release(int decrement) {
        return body.release(decrement);
    }
}
