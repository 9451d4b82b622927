package dev.cairn.httpserver;

import dev.cairn.httpapi.Json;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.Map;

/**
 * Writes one {@link ApiResponse} to a channel from a handler's (virtual) thread and returns when it is written:
 * byte bodies in one piece with a Content-Length; streamed bodies through a {@link ChannelOutputStream},
 * ended with the last content once the producer returned, or cut short (connection closed) when it failed.
 */
final class ResponseWriter {
    private final int chunkSize;
    private final ErrorMapper errors;

    ResponseWriter(int chunkSize, ErrorMapper errors) {
        this.chunkSize = chunkSize;
        this.errors = errors;
    }

    /** @return whether the connection can serve another request */
    boolean write(Channel channel, WritabilityGate gate, ApiResponse response, boolean keepAlive, String method, String path) {
        return switch (response) {
            case ApiResponse.JsonBody j -> write(channel, gate, json(j, method, path), keepAlive, method, path);
            case ApiResponse.Bytes b -> {
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status(b.status()),
                        Unpooled.wrappedBuffer(b.body()));
                headers(r.headers(), b.contentType(), b.headers());
                HttpUtil.setContentLength(r, b.body().length);
                yield end(channel, channel.writeAndFlush(prepare(r, keepAlive)), keepAlive);
            }
            case ApiResponse.Streamed s -> stream(channel, gate, s, keepAlive, method, path);
        };
    }

    private ApiResponse json(ApiResponse.JsonBody j, String method, String path) {
        try {
            Map<String, String> headers = j.headers();
            ApiResponse b = ApiResponse.bytes(j.status(), "application/json", Json.MAPPER.writeValueAsBytes(j.body()));
            for (Map.Entry<String, String> h : headers.entrySet()) {
                b = b.withHeader(h.getKey(), h.getValue());
            }
            return b;
        } catch (Exception e) {
            return errors.response(e, method, path); // a body Jackson cannot write: a 500, once
        }
    }

    private boolean stream(Channel channel, WritabilityGate gate, ApiResponse.Streamed s, boolean keepAlive,
                           String method, String path) {
        HttpResponse r = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status(s.status()));
        headers(r.headers(), s.contentType(), s.headers());
        if (s.length() >= 0) {
            HttpUtil.setContentLength(r, s.length());
        } else {
            HttpUtil.setTransferEncodingChunked(r, true);
        }
        channel.writeAndFlush(prepare(r, keepAlive));
        ChannelOutputStream out = new ChannelOutputStream(channel, gate, chunkSize, s.length());
        try {
            s.producer().writeTo(out);
            out.finish();
        } catch (Throwable e) {
            out.release();
            errors.streamBroke(e, method, path);
            channel.close(); // no last chunk, or fewer bytes than declared: the client sees a truncated body
            if (e instanceof Error err && !(e instanceof StackOverflowError)) {
                throw err;
            }
            return false;
        }
        return end(channel, channel.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT), keepAlive);
    }

    private static boolean end(Channel channel, ChannelFuture written, boolean keepAlive) {
        written.awaitUninterruptibly();
        if (!written.isSuccess() || !keepAlive) {
            channel.close();
            return false;
        }
        return true;
    }

    private static HttpResponse prepare(HttpResponse r, boolean keepAlive) {
        HttpUtil.setKeepAlive(r, keepAlive);
        return r;
    }

    private static void headers(HttpHeaders h, String contentType, Map<String, String> extra) {
        h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
        extra.forEach(h::set);
    }

    private static HttpResponseStatus status(int code) {
        return HttpResponseStatus.valueOf(code);
    }
}
