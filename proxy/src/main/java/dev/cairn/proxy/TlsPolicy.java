package dev.cairn.proxy;

/** Whether clients may connect without TLS. */
public enum TlsPolicy {
    /** Plaintext startup messages are refused with 28000. */
    REQUIRE,
    /** TLS is offered but plaintext is accepted (tests, trusted networks). */
    ALLOW
}
