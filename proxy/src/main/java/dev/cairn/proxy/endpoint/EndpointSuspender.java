package dev.cairn.proxy.endpoint;

/** Scales an endpoint's compute to zero; the compute agent implements it (clean shutdown, local state deleted). */
public interface EndpointSuspender {
    void suspend(String endpoint);
}
