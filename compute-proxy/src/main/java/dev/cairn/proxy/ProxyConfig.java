package dev.cairn.proxy;

import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How the proxy listens and how long it waits. sslContext null means TLS is not offered
 * (SSLRequest is answered 'N'), which only makes sense with {@link TlsPolicy#ALLOW}.
 */
public record ProxyConfig(InetSocketAddress listen, SslContext sslContext, TlsPolicy tlsPolicy,
                          Duration startupTimeout, Duration wakeTimeout, Duration backendConnectTimeout) {
    public ProxyConfig {
        if (sslContext == null && tlsPolicy == TlsPolicy.REQUIRE) {
            throw new IllegalArgumentException("TLS is required but no certificate is configured");
        }
    }

    public static ProxyConfig defaults(InetSocketAddress listen, SslContext sslContext, TlsPolicy policy) {
        return new ProxyConfig(listen, sslContext, policy, Duration.ofSeconds(60), Duration.ofSeconds(60), Duration.ofSeconds(10));
    }

    public ProxyConfig withWakeTimeout(Duration timeout) {
        return new ProxyConfig(listen, sslContext, tlsPolicy, startupTimeout, timeout, backendConnectTimeout);
    }
}
