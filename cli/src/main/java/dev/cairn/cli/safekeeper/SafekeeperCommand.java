package dev.cairn.cli.safekeeper;

import dev.cairn.cli.DevelopmentKeyFile;
import dev.cairn.safekeeper.grpc.SafekeeperServer;
import dev.cairn.safekeeper.service.SafekeeperNode;
import dev.cairn.safekeeper.storage.AesGcmChunkCipher;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
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
        byte[] key = DevelopmentKeyFile.readOrCreate(data.resolve("wal.key"), "safekeeper");
        SafekeeperNode node = new SafekeeperNode(id, data, segmentSize, timeline -> new AesGcmChunkCipher(key));
        SafekeeperServer server = SafekeeperServer.start(node, address);
        Runtime.getRuntime().addShutdownHook(new Thread(server::close));
        System.out.println("safekeeper " + id + " listening on " + address.getHostString() + ":" + server.port()
                + ", data " + data);
        System.out.flush();
        server.awaitTermination();
        return 0;
    }
}
