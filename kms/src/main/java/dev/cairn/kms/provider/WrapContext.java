package dev.cairn.kms.provider;

import dev.cairn.common.Id128;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * What a wrapped key is for. Providers bind it to the wrapping (AWS encryption context, GCP additional
 * authenticated data, local AES-GCM AAD) so a wrapped KEK cannot be unwrapped for another tenant.
 */
public record WrapContext(Id128 tenant, String purpose) {

    public WrapContext {
        if (tenant == null || purpose == null || purpose.isEmpty()) {
            throw new IllegalArgumentException("wrap context needs a tenant and a purpose");
        }
    }

    /** As an AWS-style encryption context. */
    public Map<String, String> asMap() {
        return Map.of("cairn:tenant", tenant.toString(), "cairn:purpose", purpose);
    }

    /** As additional authenticated data bytes. */
    public byte[] aad() {
        return ("cairn:v1|tenant=" + tenant.toString() + "|purpose=" + purpose).getBytes(StandardCharsets.UTF_8);
    }
}
