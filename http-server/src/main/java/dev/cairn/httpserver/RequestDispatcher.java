package dev.cairn.httpserver;

import dev.cairn.httpapi.ApiError;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;

/**
 * The last handler of a connection's pipeline: takes each aggregated request off the event loop onto a virtual
 * thread, finds its route, runs the handler and writes the answer. A connection's requests are served one
 * after the other, in order; it stops reading while one is being served. One instance per connection.
 */
final class RequestDispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);

    private final Routes routes;
    private final ErrorMapper errors;
    private final ResponseWriter writer;
    private final ExecutorService executor;
    private final WritabilityGate gate = new WritabilityGate();
    /** The request being served; the next one starts after it (event loop only). */
    private CompletableFuture<Void> previous = CompletableFuture.completedFuture(null);

    RequestDispatcher(Routes routes, ErrorMapper errors, ResponseWriter writer, ExecutorService executor) {
        this.routes = routes;
        this.errors = errors;
        this.writer = writer;
        this.executor = executor;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
        Channel channel = ctx.channel();
        boolean keepAlive = HttpUtil.isKeepAlive(msg) && msg.decoderResult().isSuccess();
        String method = msg.method().name();
        QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
        String path = uri.path();
        ApiResponse early = msg.decoderResult().isSuccess() ? null
                : ApiResponse.error(new ApiError(400, "bad_request", "malformed HTTP request: " + msg.decoderResult().cause()));
        ApiRequest request = new ApiRequest(method, path, Map.of(), firstValues(uri.parameters()),
                ByteBufUtil.getBytes(msg.content()));
        channel.config().setAutoRead(false); // one request at a time per connection
        try {
            previous = previous.thenRunAsync(() -> serve(channel, request, early, keepAlive), executor);
        } catch (RejectedExecutionException e) {
            channel.close(); // the server is closing
        }
    }

    private void serve(Channel channel, ApiRequest request, ApiResponse early, boolean keepAlive) {
        ApiResponse response = early != null ? early : respond(request);
        boolean open;
        try {
            open = writer.write(channel, gate, response, keepAlive, request.method(), request.path());
        } catch (RuntimeException e) {
            LOG.warn("{} {}: writing the response failed", request.method(), request.path(), e);
            channel.close();
            open = false;
        }
        if (open && channel.isActive()) {
            channel.config().setAutoRead(true);
        }
    }

    private ApiResponse respond(ApiRequest request) {
        try {
            return switch (routes.find(request.method(), request.path())) {
                case Routes.Found f -> f.handler().handle(new ApiRequest(request.method(), request.path(),
                        f.pathParams(), request.query(), request.body()));
                case Routes.NotFound n -> throw new ApiError(404, "not_found",
                        "no such API path: " + request.method() + " " + request.path());
                case Routes.MethodNotAllowed m -> ApiResponse.error(new ApiError(405, "method_not_allowed",
                                request.method() + " is not allowed on " + request.path()))
                        .withHeader("Allow", String.join(", ", m.allowed()));
            };
        } catch (Throwable e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            return errors.response(e, request.method(), request.path());
        }
    }

    private static Map<String, String> firstValues(Map<String, List<String>> parameters) {
        Map<String, String> q = new HashMap<>();
        parameters.forEach((k, v) -> q.put(k, v.isEmpty() ? "" : v.get(0)));
        return q;
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        gate.changed();
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        gate.changed();
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("admin API connection {} failed: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}
