package dev.cairn.httpserver;

import dev.cairn.httpapi.ApiError;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Function;

/**
 * The one error convention: an {@link ApiError} thrown by a handler is answered as it is; anything else goes
 * through the service's classifier (unknown exceptions should become 500). Every 5xx gets a log line.
 */
final class ErrorMapper {
    private static final Logger LOG = LoggerFactory.getLogger(HttpApiServer.class);

    /** Classifies nothing: every exception is a 500 "internal". */
    static final Function<Throwable, ApiError> INTERNAL = e -> new ApiError(500, "internal",
            e.getMessage() != null ? e.getMessage() : e.toString());

    private final Function<Throwable, ApiError> classifier;

    ErrorMapper(Function<Throwable, ApiError> classifier) {
        this.classifier = classifier;
    }

    ApiError classify(Throwable e) {
        if (e instanceof ApiError a) {
            return a;
        }
        try {
            ApiError a = classifier.apply(e);
            return a != null ? a : INTERNAL.apply(e);
        } catch (RuntimeException classifierFailed) {
            e.addSuppressed(classifierFailed);
            return INTERNAL.apply(e);
        }
    }

    /** The JSON refusal for {@code e}, logged when it is a server error. */
    ApiResponse response(Throwable e, String method, String path) {
        ApiError error = classify(e);
        if (error.status() >= 500) {
            if ("internal".equals(error.code()) && !(e instanceof ApiError)) {
                LOG.warn("{} {} failed", method, path, e);
            } else {
                LOG.warn("{} {} failed: {}", method, path, e.toString());
            }
        }
        return ApiResponse.error(error);
    }

    /** A streamed response broke off after its headers went out: nothing to answer, only to log. */
    void streamBroke(Throwable e, String method, String path) {
        if (e instanceof WritabilityGate.ClosedByPeerException) {
            LOG.info("{} {}: the client went away mid-response", method, path);
        } else {
            ApiError error = classify(e);
            LOG.warn("{} {} broke off after the response started ({} {}): {}", method, path, error.status(),
                    error.code(), e.toString());
        }
    }
}
