package dev.cairn.proxy.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Frames and parses untyped startup packets (length-prefixed). Malformed input is
 * a {@link ProxyException} with 08P01 so the client gets an ErrorResponse.
 */
public final class StartupPacketDecoder extends ByteToMessageDecoder {
    /** PostgreSQL's MAX_STARTUP_PACKET_LENGTH. */
    static final int MAX_LENGTH = 10_000;

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (in.readableBytes() < 4) {
            return;
        }
        int length = in.getInt(in.readerIndex());
        if (length < 8 || length > MAX_LENGTH) {
            in.skipBytes(in.readableBytes());
            throw new ProxyException(SqlState.PROTOCOL_VIOLATION, null, "invalid length of startup packet");
        }
        if (in.readableBytes() < length) {
            return;
        }
        in.skipBytes(4);
        StartupPacket packet = parse(in.readSlice(length - 4));
        if ((packet instanceof StartupPacket.SslRequest || packet instanceof StartupPacket.GssEncRequest) && in.isReadable()) {
            // Bytes sent before the encryption handshake could be injected by a man in the middle (CVE-2021-23214).
            in.skipBytes(in.readableBytes());
            throw new ProxyException(SqlState.PROTOCOL_VIOLATION, null, "received unencrypted data after SSL request");
        }
        out.add(packet);
    }

    static StartupPacket parse(ByteBuf body) {
        int code = body.readInt();
        return switch (code) {
            case StartupPacket.SSL_REQUEST_CODE -> new StartupPacket.SslRequest();
            case StartupPacket.GSSENC_REQUEST_CODE -> new StartupPacket.GssEncRequest();
            case StartupPacket.CANCEL_REQUEST_CODE -> {
                if (body.readableBytes() != 8) {
                    throw new ProxyException(SqlState.PROTOCOL_VIOLATION, null, "invalid length of cancel request");
                }
                yield new StartupPacket.CancelRequest(new CancelKey(body.readInt(), body.readInt()));
            }
            default -> new StartupPacket.StartupMessage(code, parameters(code, body));
        };
    }

    private static Map<String, String> parameters(int version, ByteBuf body) {
        Map<String, String> params = new LinkedHashMap<>();
        if (version >>> 16 != 3) {
            return params; // the caller rejects the version; the body format is unknown
        }
        while (true) {
            String name = cString(body);
            if (name.isEmpty()) {
                break;
            }
            params.put(name, cString(body));
        }
        if (body.isReadable()) {
            throw new ProxyException(SqlState.PROTOCOL_VIOLATION, null, "invalid startup packet layout: expected terminator as last byte");
        }
        return params;
    }

    private static String cString(ByteBuf body) {
        int end = body.indexOf(body.readerIndex(), body.writerIndex(), (byte) 0);
        if (end < 0) {
            throw new ProxyException(SqlState.PROTOCOL_VIOLATION, null, "invalid startup packet layout: expected terminator as last byte");
        }
        String s = body.toString(body.readerIndex(), end - body.readerIndex(), StandardCharsets.UTF_8);
        body.readerIndex(end + 1);
        return s;
    }
}
