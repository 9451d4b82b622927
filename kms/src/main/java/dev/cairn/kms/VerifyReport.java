package dev.cairn.kms;

import dev.cairn.common.Id128;

import java.util.List;

/** The result of unwrapping every wrapped key of a tenant through the KMS. */
public record VerifyReport(Id128 tenant, String cmk, int keks, int keksOk, int deks, int deksOk,
                           List<String> failures) {

    public VerifyReport {
        failures = List.copyOf(failures);
    }

    public boolean ok() {
        return failures.isEmpty();
    }
}
