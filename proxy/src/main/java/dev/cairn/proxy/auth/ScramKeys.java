package dev.cairn.proxy.auth;

/** What a successful exchange leaves the proxy: enough to authenticate as the role to a compute holding the same verifier. */
public record ScramKeys(byte[] clientKey, byte[] serverKey) {
    @Override
    public String toString() {
        return "ScramKeys[redacted]";
    }
}
