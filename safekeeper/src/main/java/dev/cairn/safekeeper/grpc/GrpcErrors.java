package dev.cairn.safekeeper.grpc;

import dev.cairn.kms.KeyRevokedException;
import dev.cairn.kms.KeyUnavailableException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/** How a failure inside the safekeeper reaches a gRPC peer: a status that says whether retrying can help. */
final class GrpcErrors {
    private GrpcErrors() {
    }

    static StatusRuntimeException status(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause()) {
            if (c instanceof KeyRevokedException) {
                return Status.PERMISSION_DENIED.withDescription(c.getMessage()).asRuntimeException();
            }
            if (c instanceof KeyUnavailableException) {
                return Status.UNAVAILABLE.withDescription(c.getMessage()).asRuntimeException();
            }
            if (c instanceof MalformedMessageException) {
                return Status.INVALID_ARGUMENT.withDescription(c.getMessage()).asRuntimeException();
            }
        }
        if (e instanceof IllegalStateException) { // a timeline that stopped serving (fail-stop) or closed
            return Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException();
        }
        return Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException();
    }
}
