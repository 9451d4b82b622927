package dev.cairn.proxy.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.nio.file.Path;

/** Builds the proxy's server-side TLS context from a generated certificate or PEM files. */
public final class TlsContexts {
    private TlsContexts() {}

    public static SslContext of(SelfSignedCertificate cert) {
        try {
            return builder(SslContextBuilder.forServer(cert.privateKey(), cert.certificate()));
        } catch (SSLException e) {
            throw new IllegalStateException("cannot build TLS context", e);
        }
    }

    /** certChain: PEM certificates; key: PEM PKCS#8 private key. */
    public static SslContext fromPem(Path certChain, Path key) throws SSLException {
        return builder(SslContextBuilder.forServer(certChain.toFile(), key.toFile()));
    }

    /**
     * BoringSSL where netty-tcnative loads (Linux x86_64): the proxy's TLS then costs a third of what the
     * JDK's SSLEngine does (bench/run proxy); the JDK's elsewhere.
     */
    public static SslProvider provider() {
        return OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
    }

    private static SslContext builder(SslContextBuilder b) throws SSLException {
        return b.sslProvider(provider()).protocols("TLSv1.3", "TLSv1.2").build();
    }
}
