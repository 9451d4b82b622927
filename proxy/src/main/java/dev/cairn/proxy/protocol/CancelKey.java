package dev.cairn.proxy.protocol;

/** The (process id, secret key) pair of BackendKeyData and CancelRequest. */
public record CancelKey(int processId, int secretKey) {}
