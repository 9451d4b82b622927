package dev.cairn.proxy;

import dev.cairn.proxy.endpoint.ConnectionLimiter;
import dev.cairn.proxy.endpoint.EndpointCatalog;
import dev.cairn.proxy.endpoint.EndpointResolver;

/** The shared state every connection's handlers use. */
record ProxyServices(ProxyConfig config, EndpointCatalog catalog, EndpointResolver resolver,
                     ConnectionLimiter limiter, CancelRegistry cancels, Transport transport, ProxyMetrics metrics) {}
