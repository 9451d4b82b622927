package dev.cairn.kms.provider.gcp;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsException;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.KmsTransientException;

/** Maps Cloud KMS gRPC status codes to transient / revoked / rejected. */
final class GcpErrorClassifier {
    private GcpErrorClassifier() {
    }

    static KmsException classify(KeyRef ref, RuntimeException e) {
        if (!(e instanceof ApiException api)) {
            return new KmsTransientException(ref, "Cloud KMS call failed: " + e, e);
        }
        StatusCode.Code code = api.getStatusCode().getCode();
        String what = "Cloud KMS " + code + ": " + api.getMessage();
        return switch (code) {
            case UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, ABORTED, UNKNOWN, CANCELLED ->
                    new KmsTransientException(ref, what, e);
            // FAILED_PRECONDITION: the key version is disabled, destroyed or scheduled for destruction.
            case FAILED_PRECONDITION, PERMISSION_DENIED, NOT_FOUND, UNAUTHENTICATED ->
                    new KmsKeyRevokedException(ref, what, e);
            default -> new KmsRejectedException(ref, what, e);
        };
    }
}
