package dev.cairn.proxy;

import io.netty.handler.ssl.SslContext;

import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * How the proxy listens and how long it waits. sslContext null means TLS is not offered
 * (SSLRequest is answered 'N'), which only makes sense with {@link TlsPolicy#ALLOW}.
 *
 * @param eventLoops threads relaying sessions; each session lives on one
 */
public record ProxyConfig(InetSocketAddress listen, SslContext sslContext, TlsPolicy tlsPolicy,
                          Duration startupTimeout, Duration wakeTimeout, Duration backendConnectTimeout, int eventLoops) {
    public ProxyConfig {
        if (sslContext == null && tlsPolicy == TlsPolicy.REQUIRE) {
            throw new IllegalArgumentException("TLS is required but no certificate is configured");
        }
        if (eventLoops < 1) {
            throw new IllegalArgumentException("the proxy needs at least one event loop, got " + eventLoops);
        }
    }

    public static ProxyConfig defaults(InetSocketAddress listen, SslContext sslContext, TlsPolicy policy) {
        return new ProxyConfig(listen, sslContext, policy, Duration.ofSeconds(60), Duration.ofSeconds(60),
                Duration.ofSeconds(10), defaultEventLoops());
    }

    /**
     * One per core. On 2 cores (bench/run proxy --event-loops 1, against the default): one loop used less CPU
     * per transaction (42 against 50 µs) but relayed less when everything shared the cores (0.46 of direct
     * against 0.57), and the same (0.67 against 0.65) with the relay on a core of its own.
     */
    public static int defaultEventLoops() {
        return Runtime.getRuntime().availableProcessors();
    }

    public ProxyConfig withWakeTimeout(Duration timeout) {
        return new ProxyConfig(listen, sslContext, tlsPolicy, startupTimeout, timeout, backendConnectTimeout, eventLoops);
    }

    public ProxyConfig withEventLoops(int loops) {
        return new ProxyConfig(listen, sslContext, tlsPolicy, startupTimeout, wakeTimeout, backendConnectTimeout, loops);
    }
}
