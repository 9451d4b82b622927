package dev.cairn.kms.audit;

/**
 * One audit line. {@code keyRef} names a key (CMK reference, KEK or DEK id), never its material;
 * {@code detail} is a short human-readable note (an error class and message, a rotation target).
 */
public record AuditEvent(String time, String tenant, String keyRef, AuditOperation operation, AuditOutcome outcome,
                         String caller, String detail) {
}
