package dev.cairn.bench;

import dev.cairn.pgruntime.ServerUser;
import dev.cairn.proxy.tls.SelfSignedCertificate;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * PgBouncer in session mode in front of one server: the peer a PostgreSQL proxy's overhead is judged against
 * (it relays the same protocol and, with {@code client_tls_sslmode}, terminates TLS the same way).
 */
final class Pgbouncer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/sbin/pgbouncer");

    private final Process process;
    private final int port;

    private Pgbouncer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static boolean installed() {
        return Files.isExecutable(BINARY);
    }

    /**
     * Starts PgBouncer for database {@code postgres} on the server at {@code serverPort}, trusting user
     * postgres, for up to {@code maxClients} sessions (each holds a server connection: session mode).
     */
    static Pgbouncer start(Path dir, int serverPort, int maxClients) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        SelfSignedCertificate.generate(List.of("localhost"), Duration.ofDays(1))
                .writePem(dir.resolve("cert.pem"), dir.resolve("key.pem"));
        Files.writeString(dir.resolve("userlist.txt"), "\"postgres\" \"\"\n");
        Files.writeString(dir.resolve("pgbouncer.ini"), String.join("\n",
                "[databases]",
                "postgres = host=127.0.0.1 port=" + serverPort + " dbname=postgres",
                "[pgbouncer]",
                "listen_addr = 127.0.0.1",
                "listen_port = " + port,
                "unix_socket_dir =",
                "auth_type = trust",
                "auth_file = " + dir.resolve("userlist.txt"),
                "pool_mode = session",
                "max_client_conn = " + maxClients,
                "default_pool_size = " + maxClients,
                "client_tls_sslmode = allow",
                "client_tls_cert_file = " + dir.resolve("cert.pem"),
                "client_tls_key_file = " + dir.resolve("key.pem"),
                "logfile = " + dir.resolve("pgbouncer.log"),
                ""));
        ServerUser user = ServerUser.current();
        user.own(dir);
        // two descriptors a session: raise the soft limit (1024 after a user switch) to the hard one
        List<String> command = List.of("sh", "-c", "ulimit -n \"$(ulimit -Hn)\" && exec \"$0\" \"$@\"",
                BINARY.toString(), dir.resolve("pgbouncer.ini").toString());
        Process p = new ProcessBuilder(user.wrap(command))
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Pgbouncer bouncer = new Pgbouncer(p, port);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("pgbouncer exited with " + p.exitValue() + ": " + Files.readString(dir.resolve("stdout.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return bouncer;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        bouncer.close();
        throw new IOException("pgbouncer did not listen on " + port + " within 10 s");
    }

    int port() {
        return port;
    }

    ProcessHandle process() {
        return process.toHandle();
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
