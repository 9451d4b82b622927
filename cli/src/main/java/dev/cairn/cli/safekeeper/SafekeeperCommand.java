package dev.cairn.cli.safekeeper;

import dev.cairn.safekeeper.grpc.SafekeeperServer;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.storage.AesGcmChunkCipher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

/** {@code cairn safekeeper}: runs one safekeeper (acceptor, WAL streaming, admin) until killed. */
@Command(name = "safekeeper", mixinStandardHelpOptions = true,
        description = "Run a safekeeper: the quorum acceptor that makes a timeline's WAL durable.")
public final class SafekeeperCommand implements Callable<Integer> {

    @Option(names = "--id", required = true, description = "Node id of this safekeeper (positive).")
    long id;

    @Option(names = "--listen", required = true, description = "HOST:PORT to serve gRPC on.")
    String listen;

    @Option(names = "--data", required = true, description = "Data directory (timelines, WAL, state).")
    Path data;

    @Option(names = "--segment-size", defaultValue = "16777216", description = "WAL segment size in bytes (default 16 MiB).")
    int segmentSize;

    @Override
    public Integer call() throws Exception {
        if (id <= 0) {
            System.err.println("cairn safekeeper: --id must be positive");
            return 2;
        }
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            System.err.println("cairn safekeeper: --listen must be HOST:PORT, got " + listen);
            return 2;
        }
        InetSocketAddress address = new InetSocketAddress(listen.substring(0, colon), Integer.parseInt(listen.substring(colon + 1)));
        Files.createDirectories(data);
        byte[] key = localWalKey(data.resolve("wal.key"));
        SafekeeperNode node = new SafekeeperNode(id, data, segmentSize, timeline -> new AesGcmChunkCipher(key));
        SafekeeperServer server = SafekeeperServer.start(node, address);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("safekeeper " + id + " listening on " + address.getHostString() + ":" + server.port()
                + ", data " + data);
        System.out.flush();
        server.awaitTermination();
        return 0;
    }

    /**
     * The development WAL key: 32 random bytes in a 0600 file beside the data. Not for production, where
     * WAL is sealed under the tenant's DEKs from kms/ (see KmsChunkCipher).
     */
    private static byte[] localWalKey(Path file) {
        try {
            if (Files.exists(file)) {
                byte[] k = Files.readAllBytes(file);
                if (k.length != 32) {
                    throw new IllegalStateException("WAL key file " + file + " must hold 32 bytes, has " + k.length);
                }
                return k;
            }
            byte[] k = AesGcmChunkCipher.randomKey();
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.write(tmp, k);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            System.err.println("cairn safekeeper: created a LOCAL development WAL key " + file + " (not for production)");
            return k;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create WAL key " + file, e);
        }
    }
}
