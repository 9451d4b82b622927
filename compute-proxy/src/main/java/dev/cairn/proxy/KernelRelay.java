package dev.cairn.proxy;

import dev.cairn.proxy.splice.BpfException;
import dev.cairn.proxy.splice.KernelSplicer;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands an established plaintext session to the kernel splicer, so its bytes no longer pass through the
 * proxy (measured: the relay's CPU per transaction is what kept pgbench -S through the proxy at about half
 * of direct on 2 cores). TLS sessions stay in user space: the proxy must decrypt them. After the hand-over
 * the channels stop reading; Netty still watches them for the peer's close (EPOLLRDHUP), which ends the session.
 */
final class KernelRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelRelay.class);

    private final KernelSplicer splicer; // null: every session relays in user space
    private final String status;
    private final AtomicLong kernelSessions = new AtomicLong();
    private final AtomicLong userSessions = new AtomicLong();

    private KernelRelay(KernelSplicer splicer, String status) {
        this.splicer = splicer;
        this.status = status;
    }

    /** Uses the kernel splice when asked to and able; says which, and why not, in the log. */
    static KernelRelay open(boolean wanted, Transport transport, int maxSessions) {
        KernelRelay relay;
        if (!wanted) {
            relay = new KernelRelay(null, "off");
        } else if (!transport.name().equals("epoll")) {
            relay = new KernelRelay(null, "unavailable: it needs the epoll transport, this proxy runs on " + transport.name());
        } else {
            try {
                relay = new KernelRelay(KernelSplicer.open(2 * maxSessions), "on");
            } catch (BpfException e) {
                relay = new KernelRelay(null, "unavailable: " + e.getMessage());
            }
        }
        log.info("kernel splice {}", relay.available()
                ? "on: plaintext sessions are forwarded by the kernel once authenticated"
                : relay.status + "; sessions relay in user space");
        return relay;
    }

    /** "on", "off", or "unavailable: " and why. */
    String status() {
        return status;
    }

    boolean available() {
        return splicer != null;
    }

    /**
     * Call with both relay handlers installed and before the client is sent ReadyForQuery: until then the
     * client may not send and the compute has nothing to say, so no byte can slip past the hand-over.
     * Returns whether the kernel now forwards the session.
     */
    boolean handOver(Channel client, Channel compute, String endpoint) {
        if (splicer == null || client.pipeline().get(SslHandler.class) != null
                || !(client instanceof EpollSocketChannel c) || !(compute instanceof EpollSocketChannel b)) {
            userSessions.incrementAndGet();
            return false;
        }
        int clientFd = c.fd().intValue();
        int computeFd = b.fd().intValue();
        try {
            splicer.splice(clientFd, computeFd);
        } catch (BpfException e) {
            log.warn("endpoint {}: cannot splice the session in the kernel ({}); relaying it in user space", endpoint, e.getMessage());
            userSessions.incrementAndGet();
            return false;
        }
        client.pipeline().get(RelayHandler.class).handOverToKernel();
        compute.pipeline().get(RelayHandler.class).handOverToKernel();
        client.config().setAutoRead(false);
        compute.config().setAutoRead(false);
        drainUnread(c, clientFd);
        drainUnread(b, computeFd);
        kernelSessions.incrementAndGet();
        return true;
    }

    /**
     * Bytes that arrived before the splice wait in the socket until more arrive behind them; a client that
     * pipelined its first query would wait forever. One user-space read forwards them through the relay handler.
     */
    private void drainUnread(Channel channel, int fd) {
        try {
            if (splicer.unreadBytes(fd) > 0) {
                channel.read();
            }
        } catch (BpfException e) {
            channel.read();
        }
    }

    /** Sessions handed to the kernel, and sessions relayed in user space, since the proxy started. */
    RelayCounts counts() {
        return new RelayCounts(kernelSessions.get(), userSessions.get());
    }

    @Override
    public void close() {
        if (splicer != null) {
            splicer.close();
        }
    }
}
