package dev.cairn.proxy.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;

import javax.net.ssl.SSLException;
import java.io.File;
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

    private static SslContext builder(SslContextBuilder b) throws SSLException {
        return b.sslProvider(SslProvider.JDK).protocols("TLSv1.3", "TLSv1.2").build();
    }
}
