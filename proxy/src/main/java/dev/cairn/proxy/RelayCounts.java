package dev.cairn.proxy;

/**
 * How the proxy's sessions have been relayed since it started: forwarded by the kernel, or in user space;
 * and how many directions of kernel-forwarded sessions went back to user space because their reader fell behind.
 */
public record RelayCounts(long kernel, long userSpace, long directionsBackInUserSpace) {}
