package dev.cairn.kms.provider.aws;

import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsException;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.KmsTransientException;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;

import java.util.Set;

/** Maps AWS KMS errors to transient / revoked / rejected. */
final class AwsErrorClassifier {
    private static final Set<String> REVOKED = Set.of("DisabledException", "KMSInvalidStateException",
            "NotFoundException", "AccessDeniedException", "AccessDeniedException ", "UnrecognizedClientException",
            "InvalidGrantTokenException");
    private static final Set<String> TRANSIENT = Set.of("KMSInternalException", "DependencyTimeoutException",
            "KeyUnavailableException", "ThrottlingException", "LimitExceededException", "ServiceUnavailableException",
            "RequestTimeoutException", "InternalFailure");

    private AwsErrorClassifier() {
    }

    static KmsException classify(KeyRef ref, SdkException e) {
        if (e instanceof AwsServiceException s) {
            String code = s.awsErrorDetails() == null ? "" : String.valueOf(s.awsErrorDetails().errorCode());
            String what = "AWS KMS " + code + " (HTTP " + s.statusCode() + "): " + message(s);
            if (REVOKED.contains(code)) {
                return new KmsKeyRevokedException(ref, what, e);
            }
            if (TRANSIENT.contains(code) || s.isThrottlingException() || s.statusCode() >= 500 || s.statusCode() == 429) {
                return new KmsTransientException(ref, what, e);
            }
            if (s.statusCode() == 403) {
                return new KmsKeyRevokedException(ref, what, e);
            }
            return new KmsRejectedException(ref, what, e);
        }
        if (e instanceof SdkClientException) {
            return new KmsTransientException(ref, "AWS KMS unreachable: " + e.getMessage(), e);
        }
        return new KmsRejectedException(ref, "AWS KMS error: " + e.getMessage(), e);
    }

    private static String message(AwsServiceException s) {
        return s.awsErrorDetails() != null && s.awsErrorDetails().errorMessage() != null
                ? s.awsErrorDetails().errorMessage() : s.getMessage();
    }
}
