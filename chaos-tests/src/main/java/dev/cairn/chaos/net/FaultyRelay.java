package dev.cairn.chaos.net;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP relay on 127.0.0.1 between two components (e.g. the compute's proposer and one safekeeper) whose
 * link can be cut, blackholed or delayed while connections are open. Each direction of each connection
 * is pumped by its own virtual thread, which reads the current fault before forwarding every chunk. Faults
 * keep TCP's promise: a connection delivers its bytes in order without gaps, or it is reset.
 */
public final class FaultyRelay implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FaultyRelay.class);

    private final String name;
    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile LinkFault fault = LinkFault.PASS;
    private volatile boolean closed;

    /**
     * @param name     the link, for reports: e.g. {@code compute->safekeeper-2}
     * @param port     where to listen on 127.0.0.1 (0: any free port)
     * @param upstream where to forward to
     */
    public FaultyRelay(String name, int port, InetSocketAddress upstream) throws IOException {
        this.name = name;
        this.upstream = upstream;
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        Thread.ofVirtual().name("relay-accept-" + name).start(this::acceptLoop);
    }

    public String name() {
        return name;
    }

    public int port() {
        return listener.getLocalPort();
    }

    public LinkFault fault() {
        return fault;
    }

    /** Open relayed connections (each counts its client and upstream socket once). */
    public int connectionCount() {
        return sockets.size() / 2;
    }

    public void set(LinkFault f) {
        synchronized (this) {
            fault = f;
            notifyAll();
        }
        if (f instanceof LinkFault.Cut) {
            sockets.forEach(FaultyRelay::reset);
            sockets.clear();
        }
        LOG.info("link {}: {}", name, f);
    }

    /**
     * The fault to apply to a chunk going {@code direction}, once it may go: while the link holds that
     * direction the pump waits here, so the sender's socket buffers fill and it blocks, as under a real
     * partition. Dropping the chunk instead would splice the stream and hand the receiver corrupt messages.
     */
    private synchronized LinkFault awaitPassable(LinkFault.Direction direction) throws InterruptedException {
        while (!closed && holds(fault, direction)) {
            wait(100);
        }
        return fault;
    }

    private static boolean holds(LinkFault f, LinkFault.Direction direction) {
        return f instanceof LinkFault.Blackhole || (f instanceof LinkFault.OneWay w && w.direction() != direction);
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("relay {} stopped accepting: {}", name, e.getMessage());
                }
                return;
            }
            if (fault instanceof LinkFault.Cut) {
                reset(client);
                continue;
            }
            Thread.ofVirtual().name("relay-connect-" + name).start(() -> connect(client));
        }
    }

    private void connect(Socket client) {
        Socket server = new Socket();
        try {
            server.connect(upstream, 5_000);
            client.setTcpNoDelay(true);
            server.setTcpNoDelay(true);
        } catch (IOException e) {
            reset(client); // the upstream is down: the client sees what it would see without the relay
            reset(server);
            return;
        }
        sockets.add(client);
        sockets.add(server);
        Thread.ofVirtual().name("relay-up-" + name).start(() -> pump(client, server, LinkFault.Direction.CLIENT_TO_UPSTREAM));
        Thread.ofVirtual().name("relay-down-" + name).start(() -> pump(server, client, LinkFault.Direction.UPSTREAM_TO_CLIENT));
    }

    private void pump(Socket from, Socket to, LinkFault.Direction direction) {
        byte[] buf = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                LinkFault f = awaitPassable(direction);
                if (f instanceof LinkFault.Delay d) {
                    Thread.sleep(d.delay());
                }
                if (f instanceof LinkFault.Cut || closed) {
                    break;
                }
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException ignored) {
            // a reset or closed peer ends this connection; the other pump notices on its own
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            reset(from);
            reset(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    /** Closes with RST, as a dropped link looks to the peer, rather than an orderly FIN. */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // already closed
        }
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        sockets.forEach(FaultyRelay::reset);
        sockets.clear();
    }
}
