package dev.cairn.proxy;

import dev.cairn.proxy.splice.BpfException;
import dev.cairn.proxy.splice.KernelSplicer;
import io.netty.channel.Channel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.handler.ssl.SslHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands an established plaintext session to the kernel splicer, so its bytes no longer pass through the
 * proxy (bench/run proxy: machine CPU per pgbench -S transaction 84 to 99 µs against 143 to 159 relayed in
 * user space, 72 direct). TLS sessions stay in user space: the proxy must decrypt them. After the hand-over
 * the channels stop reading; Netty still watches them for the peer's close (EPOLLRDHUP), which ends the
 * session, and a {@link FlowWatch} moves a direction whose reader falls behind back to user space.
 */
final class KernelRelay implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(KernelRelay.class);
    /** How often a spliced session's directions are checked for a receiver that fell behind. */
    static final long CHECK_MILLIS = 20;
    /**
     * Unacknowledged bytes in a receiver's socket below which the kernel cannot be queueing for it: a queue
     * forms only once the socket takes no more, with its send buffer (16 KiB by default, and growing) full.
     */
    static final int RECEIVER_BEHIND_BYTES = 4096;
    /** Bytes the kernel may hold for one direction before the direction moves to user space. */
    static final long QUEUE_LIMIT_BYTES = 4L << 20;

    private final KernelSplicer splicer; // null: every session relays in user space
    private final String status;
    private final SlotWatch<FlowWatch> watched; // the next four are null without the splicer
    private final Set<FlowWatch> draining = ConcurrentHashMap.newKeySet();
    private final long[] forwarded;
    private final ScheduledExecutorService watchThread;
    private int splicedSessions; // guarded by this: the scans run only while there are any
    private ScheduledFuture<?> scans;
    private final AtomicLong kernelSessions = new AtomicLong();
    private final AtomicLong userSessions = new AtomicLong();
    private final AtomicLong directionsBack = new AtomicLong();

    private KernelRelay(KernelSplicer splicer, String status) {
        this.splicer = splicer;
        this.status = status;
        if (splicer == null) {
            this.watched = null;
            this.forwarded = null;
            this.watchThread = null;
        } else {
            this.watched = new SlotWatch<>(splicer.counterSlots());
            this.forwarded = new long[splicer.counterSlots()];
            this.watchThread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "cairn-splice-watch");
                thread.setDaemon(true);
                return thread;
            });
        }
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
     * {@code ownWrites}: bytes the proxy writes to the client after this call (its messages up to
     * ReadyForQuery). Returns whether the kernel now forwards the session.
     */
    boolean handOver(Channel client, Channel compute, String endpoint, long ownWrites) {
        if (splicer == null || client.pipeline().get(SslHandler.class) != null
                || !(client instanceof EpollSocketChannel c) || !(compute instanceof EpollSocketChannel b)) {
            userSessions.incrementAndGet();
            return false;
        }
        int clientFd = c.fd().intValue();
        int computeFd = b.fd().intValue();
        SplicedFlow up;
        SplicedFlow down;
        KernelSplicer.SplicedPair pair;
        try {
            up = new SplicedFlow(splicer.bytesTakenFrom(clientFd), splicer.bytesPutInto(computeFd), 0);
            down = new SplicedFlow(splicer.bytesTakenFrom(computeFd), splicer.bytesPutInto(clientFd), ownWrites);
            pair = splicer.splice(clientFd, computeFd);
        } catch (BpfException e) {
            log.warn("endpoint {}: cannot splice the session in the kernel ({}); relaying it in user space", endpoint, e.getMessage());
            userSessions.incrementAndGet();
            return false;
        }
        client.pipeline().get(RelayHandler.class).handOverToKernel();
        compute.pipeline().get(RelayHandler.class).handOverToKernel();
        client.config().setAutoRead(false);
        compute.config().setAutoRead(false);
        new FlowWatch(endpoint, c, b, pair, up, down).start();
        kernelSessions.incrementAndGet();
        return true;
    }

    /** A timer that wakes 50 times a second costs something even with nothing to do: none without sessions. */
    private synchronized void sessionSpliced() {
        if (splicedSessions++ == 0) {
            scans = watchThread.scheduleWithFixedDelay(this::scan, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private synchronized void sessionEnded() {
        if (--splicedSessions == 0) {
            scans.cancel(false);
        }
    }

    /**
     * Every {@link #CHECK_MILLIS}, on the watch thread: queues a check on the event loop of each session
     * whose kernel queue may have grown since its last check, that is, where the kernel forwarded bytes
     * since then, and of each session with a direction draining. Idle sessions cost a memory read each.
     */
    private void scan() {
        try {
            int slots = splicer.readForwarded(forwarded);
            watched.scan(forwarded, slots, FlowWatch::queueCheck);
            draining.forEach(FlowWatch::queueCheck);
        } catch (RuntimeException e) {
            // an event loop shutting down refuses a check; an exception escaping here would end every later scan
            log.debug("kernel splice watch: {}", e.toString());
        }
    }

    /**
     * Watches both directions of a spliced session and moves a direction back to user space when its
     * receiver falls behind (see {@link SplicedFlow}). Between checks the kernel may queue what a sender
     * writes in {@link #CHECK_MILLIS}. Whether a receiver keeps up takes one ioctl
     * ({@link #RECEIVER_BEHIND_BYTES}), so a checked session that keeps up costs two system calls.
     */
    private final class FlowWatch {
        private final String endpoint;
        private final Channel client;
        private final Channel compute;
        private final KernelSplicer.SplicedPair pair;
        private final SplicedFlow up;
        private final SplicedFlow down;
        private final AtomicBoolean checkQueued = new AtomicBoolean();
        private final AtomicBoolean released = new AtomicBoolean();

        FlowWatch(String endpoint, Channel client, Channel compute, KernelSplicer.SplicedPair pair, SplicedFlow up, SplicedFlow down) {
            this.endpoint = endpoint;
            this.client = client;
            this.compute = compute;
            this.pair = pair;
            this.up = up;
            this.down = down;
        }

        void start() {
            sessionSpliced(); // before the close listeners, which may run at once and end it
            watched.watch(pair.slotA(), this);
            watched.watch(pair.slotB(), this);
            client.closeFuture().addListener(f -> stop());
            compute.closeFuture().addListener(f -> stop());
            queueCheck(); // a scan between the splice and now saw the counters move with no one watching
        }

        /** The session is ending: no more checks, and its routes and counter slots are given back. */
        private void stop() {
            unwatch();
            if (released.compareAndSet(false, true)) {
                splicer.release(pair);
                sessionEnded();
            }
        }

        private void unwatch() {
            watched.unwatch(pair.slotA(), this);
            watched.unwatch(pair.slotB(), this);
            draining.remove(this);
        }

        /** From the watch thread (or the session's event loop): at most one check waits on the event loop. */
        void queueCheck() {
            if (checkQueued.compareAndSet(false, true)) {
                client.eventLoop().execute(this::check);
            }
        }

        private void check() {
            checkQueued.set(false);
            if (!client.isActive() || !compute.isActive()) {
                return;
            }
            try {
                check(up, client, pair.socketA(), pair.cookieA(), compute, pair.socketB());
                check(down, compute, pair.socketB(), pair.cookieB(), client, pair.socketA());
            } catch (BpfException e) {
                // a socket closing under us; its channel's close ends the session
                log.debug("endpoint {}: spliced session check: {}", endpoint, e.getMessage());
            }
            if (up.state() == SplicedFlow.State.DRAINING || down.state() == SplicedFlow.State.DRAINING) {
                draining.add(this);
            } else {
                draining.remove(this);
            }
            if (up.state() == SplicedFlow.State.USER && down.state() == SplicedFlow.State.USER) {
                unwatch(); // the kernel forwards nothing more; the close still releases the pair
            }
        }

        private void check(SplicedFlow flow, Channel from, int fromFd, long fromCookie, Channel to, int toFd) throws BpfException {
            switch (flow.state()) {
                case KERNEL -> {
                    if (splicer.unackedBytes(toFd) < RECEIVER_BEHIND_BYTES) {
                        return;
                    }
                    long put = splicer.bytesPutInto(toFd);
                    if (flow.shouldStop(splicer.bytesTakenFrom(fromFd), put, QUEUE_LIMIT_BYTES)) {
                        splicer.stopForwardingFrom(fromCookie);
                        directionsBack.incrementAndGet();
                        log.debug("endpoint {}: {} reads slower than {} writes; relaying that direction in user space",
                                endpoint, to.remoteAddress(), from.remoteAddress());
                    }
                }
                case DRAINING -> {
                    long put = splicer.bytesPutInto(toFd);
                    if (flow.drained(splicer.bytesTakenFrom(fromFd), put)) {
                        from.pipeline().get(RelayHandler.class).returnToUserSpace();
                        from.config().setAutoRead(to.isWritable());
                        from.read();
                    }
                }
                case USER -> {
                }
            }
        }
    }

    /** Sessions handed to the kernel, and sessions relayed in user space, since the proxy started. */
    RelayCounts counts() {
        return new RelayCounts(kernelSessions.get(), userSessions.get(), directionsBack.get());
    }

    /** Call after the event loops have stopped: the splicer's counters are unmapped here. */
    @Override
    public void close() {
        if (splicer != null) {
            watchThread.shutdownNow();
            try {
                if (!watchThread.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("kernel splice watch thread did not stop; leaving the splicer open");
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            splicer.close();
        }
    }
}
