package dev.cairn.compute.api;

/** Where a running compute's postgres listens. */
public record BackendAddress(String host, int port) {
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
