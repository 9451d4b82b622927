package dev.cairn.kms.provider.azure;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.exception.HttpResponseException;
import com.azure.core.exception.ResourceNotFoundException;
import dev.cairn.kms.provider.KeyRef;
import dev.cairn.kms.provider.KmsException;
import dev.cairn.kms.provider.KmsKeyRevokedException;
import dev.cairn.kms.provider.KmsRejectedException;
import dev.cairn.kms.provider.KmsTransientException;

/** Maps Key Vault errors to transient / revoked / rejected. */
final class AzureErrorClassifier {
    private AzureErrorClassifier() {
    }

    static KmsException classify(KeyRef ref, RuntimeException e) {
        if (e instanceof ResourceNotFoundException || e instanceof ClientAuthenticationException) {
            return new KmsKeyRevokedException(ref, "Key Vault: " + e.getMessage(), e);
        }
        if (e instanceof HttpResponseException h && h.getResponse() != null) {
            int status = h.getResponse().getStatusCode();
            String what = "Key Vault HTTP " + status + ": " + e.getMessage();
            if (status == 401 || status == 403 || status == 404) {
                return new KmsKeyRevokedException(ref, what, e); // disabled key, access removed, key deleted
            }
            if (status == 408 || status == 429 || status >= 500) {
                return new KmsTransientException(ref, what, e);
            }
            return new KmsRejectedException(ref, what, e);
        }
        return new KmsTransientException(ref, "Key Vault unreachable: " + e, e);
    }
}
