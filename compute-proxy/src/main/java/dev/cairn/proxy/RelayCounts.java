package dev.cairn.proxy;

/** How the proxy's sessions have been relayed since it started: forwarded by the kernel, or in user space. */
public record RelayCounts(long kernel, long userSpace) {}
