package dev.cairn.safekeeper.grpc;

import dev.cairn.safekeeper.api.MalformedMessageException;

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
            return Status.UNAVAILABLE.withDescription(withRootCause(e)).asRuntimeException();
        }
        return Status.INTERNAL.withDescription(withRootCause(e)).asRuntimeException();
    }

    /** The message and, when it does not say it already, the innermost cause's ("No space left on device"). */
    private static String withRootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = String.valueOf(e.getMessage());
        return root == e || root.getMessage() == null || message.contains(root.getMessage())
                ? message : message + ": " + root.getMessage();
    }
}
