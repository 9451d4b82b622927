package dev.cairn.proxy.splice;

import com.sun.jna.Memory;

import java.nio.charset.StandardCharsets;

/**
 * Forwards bytes between pairs of connected TCP sockets inside the kernel (a BPF sockmap), so a relayed
 * session costs the relaying process no reads, writes or wake-ups. Spliced sockets are members of a
 * SOCKHASH (keyed by their own cookie; a socket leaves it when it closes), and a route map sends each
 * member's bytes out of its peer ({@link RedirectProgram}).
 *
 * <p>Needs Linux 5.13+ (sk_skb verdict programs) and CAP_BPF with CAP_NET_ADMIN. Bytes already received
 * before {@link #splice} still sit in the socket for its owner to read ({@link #unreadBytes}). The kernel
 * forwards through a queue per receiving socket which has no bound: when a receiver reads slower than its
 * sender writes, the queue grows without limit, so the owner must watch it ({@link #bytesTakenFrom},
 * {@link #bytesPutInto}) and {@link #stopForwardingFrom} a sender that outruns its peer. Bytes in that
 * queue are dropped if the socket they are bound for closes, so whoever closes a spliced socket should give
 * it a moment, and then {@link #release} the pair.
 */
public final class KernelSplicer implements AutoCloseable {
    private static final int BPF_MAP_CREATE = 0, BPF_MAP_UPDATE_ELEM = 2, BPF_MAP_DELETE_ELEM = 3;
    private static final int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8;
    private static final int MAP_TYPE_HASH = 1, MAP_TYPE_SOCKHASH = 18;
    private static final int PROG_TYPE_SK_SKB = 14;
    private static final int ATTACH_SK_SKB_VERDICT = 38;
    private static final int VERIFIER_LOG_SIZE = 1 << 16;

    private final LinuxSyscalls sys;
    private final int membersFd;
    private final int routesFd;
    private final int programFd;

    /** Two sockets spliced to each other, with the cookies their routes are keyed by. */
    public record SplicedPair(int socketA, long cookieA, int socketB, long cookieB) {}

    private KernelSplicer(LinuxSyscalls sys, int membersFd, int routesFd, int programFd) {
        this.sys = sys;
        this.membersFd = membersFd;
        this.routesFd = routesFd;
        this.programFd = programFd;
    }

    /** Loads the program; {@code maxSockets} bounds how many sockets (two per session) may be spliced at once. */
    public static KernelSplicer open(int maxSockets) throws BpfException {
        LinuxSyscalls sys = LinuxSyscalls.load();
        int members = createMap(sys, "SOCKHASH", MAP_TYPE_SOCKHASH, Integer.BYTES, maxSockets); // value: a socket fd on update
        int routes = -1;
        int program = -1;
        try {
            routes = createMap(sys, "HASH", MAP_TYPE_HASH, Long.BYTES, maxSockets); // value: the peer's cookie
            program = loadProgram(sys, members, routes);
            attach(sys, members, program);
            return new KernelSplicer(sys, members, routes, program);
        } catch (BpfException e) {
            for (int fd : new int[] {program, routes, members}) {
                if (fd >= 0) {
                    sys.close(fd);
                }
            }
            throw e;
        }
    }

    private static int createMap(LinuxSyscalls sys, String name, int type, int valueSize, int maxEntries) throws BpfException {
        try (Memory attr = LinuxSyscalls.attr()) {
            attr.setInt(0, type);
            attr.setInt(4, Long.BYTES); // key: a socket cookie
            attr.setInt(8, valueSize);
            attr.setInt(12, maxEntries);
            return sys.bpf("bpf(BPF_MAP_CREATE, " + name + ")", BPF_MAP_CREATE, attr);
        } catch (BpfException e) {
            throw e.errno() == LinuxSyscalls.EPERM
                    ? new BpfException(e.operation(), e.errno(), "not permitted: splicing needs CAP_BPF and CAP_NET_ADMIN")
                    : e;
        }
    }

    private static int loadProgram(LinuxSyscalls sys, int members, int routes) throws BpfException {
        byte[] code = RedirectProgram.instructions(members, routes);
        try (Memory insns = new Memory(code.length);
             Memory license = new Memory(4);
             Memory log = new Memory(VERIFIER_LOG_SIZE);
             Memory attr = LinuxSyscalls.attr()) {
            insns.write(0, code, 0, code.length);
            license.setString(0, "GPL", StandardCharsets.US_ASCII.name()); // the redirect helpers are GPL-only
            log.clear();
            attr.setInt(0, PROG_TYPE_SK_SKB);
            attr.setInt(4, code.length / RedirectProgram.INSTRUCTION_SIZE);
            attr.setPointer(8, insns);
            attr.setPointer(16, license);
            attr.setInt(24, 1);
            attr.setInt(28, VERIFIER_LOG_SIZE);
            attr.setPointer(32, log);
            attr.setString(48, "cairn_splice", StandardCharsets.US_ASCII.name());
            try {
                return sys.bpf("bpf(BPF_PROG_LOAD, sk_skb)", BPF_PROG_LOAD, attr);
            } catch (BpfException e) {
                String verifier = log.getString(0, StandardCharsets.US_ASCII.name()).strip();
                throw verifier.isEmpty() ? e : new BpfException(e.operation(), e.errno(), e.getMessage() + "; verifier: " + verifier);
            }
        }
    }

    private static void attach(LinuxSyscalls sys, int members, int program) throws BpfException {
        try (Memory attr = LinuxSyscalls.attr()) {
            attr.setInt(0, members);
            attr.setInt(4, program);
            attr.setInt(8, ATTACH_SK_SKB_VERDICT);
            sys.bpf("bpf(BPF_PROG_ATTACH, sk_skb verdict)", BPF_PROG_ATTACH, attr);
        } catch (BpfException e) {
            throw e.errno() == LinuxSyscalls.EINVAL
                    ? new BpfException(e.operation(), e.errno(), "this kernel cannot attach sk_skb verdict programs (Linux 5.13 or later can)")
                    : e;
        }
    }

    /**
     * From now on, bytes arriving on either socket leave through the other without reaching user space.
     * Both must be connected TCP sockets. On failure neither socket is forwarded.
     */
    public SplicedPair splice(int socketA, int socketB) throws BpfException {
        SplicedPair pair = new SplicedPair(socketA, sys.socketCookie(socketA), socketB, sys.socketCookie(socketB));
        try {
            // members first: until its route exists a member's bytes stay with its owner
            update(membersFd, pair.cookieA(), socketA, "member fd " + socketA);
            update(membersFd, pair.cookieB(), socketB, "member fd " + socketB);
            update(routesFd, pair.cookieA(), pair.cookieB(), "route from fd " + socketA);
            update(routesFd, pair.cookieB(), pair.cookieA(), "route from fd " + socketB);
            return pair;
        } catch (BpfException e) {
            release(pair);
            delete(membersFd, pair.cookieA());
            delete(membersFd, pair.cookieB());
            throw e;
        }
    }

    /**
     * Stops forwarding what arrives on the socket with this cookie: its bytes now wait in it for its owner to
     * read, and count against its receive buffer. Bytes already taken are still delivered to the peer.
     */
    public void stopForwardingFrom(long cookie) throws BpfException {
        deleteEntry(routesFd, cookie, "route " + cookie);
    }

    /** Forgets the pair's routes; call when the session ends (sockets leave the membership as they close). */
    public void release(SplicedPair pair) {
        delete(routesFd, pair.cookieA());
        delete(routesFd, pair.cookieB());
    }

    /** Bytes the socket received that are still waiting to be read by its owner. */
    public int unreadBytes(int socket) throws BpfException {
        return sys.unreadBytes(socket);
    }

    /** Bytes written to the socket that its peer has not acknowledged yet. */
    public int unackedBytes(int socket) throws BpfException {
        return sys.unackedBytes(socket);
    }

    /** Bytes taken out of the socket's receive side so far, by the kernel's forwarding or by its owner. */
    public long bytesTakenFrom(int socket) throws BpfException {
        int unread = sys.unreadBytes(socket); // first: bytes arriving in between make the figure larger, not smaller
        return sys.tcpBytes(socket).received() - unread;
    }

    /** Bytes put into the socket's send side so far, by the kernel's forwarding or by its owner. */
    public long bytesPutInto(int socket) throws BpfException {
        long acked = sys.tcpBytes(socket).acked(); // first: acknowledgements in between make the figure smaller, not larger
        return acked + sys.unackedBytes(socket);
    }

    private void update(int map, long key, long value, String what) throws BpfException {
        boolean fd = map == membersFd;
        try (Memory k = new Memory(Long.BYTES); Memory v = new Memory(fd ? Integer.BYTES : Long.BYTES); Memory attr = LinuxSyscalls.attr()) {
            k.setLong(0, key);
            if (fd) {
                v.setInt(0, (int) value);
            } else {
                v.setLong(0, value);
            }
            attr.setInt(0, map);
            attr.setPointer(8, k);
            attr.setPointer(16, v);
            sys.bpf("bpf(BPF_MAP_UPDATE_ELEM) for " + what, BPF_MAP_UPDATE_ELEM, attr);
        }
    }

    private void delete(int map, long key) {
        try {
            deleteEntry(map, key, "key " + key);
        } catch (BpfException ignored) {
            // already gone: removed before, or the socket closed
        }
    }

    private void deleteEntry(int map, long key, String what) throws BpfException {
        try (Memory k = new Memory(Long.BYTES); Memory attr = LinuxSyscalls.attr()) {
            k.setLong(0, key);
            attr.setInt(0, map);
            attr.setPointer(8, k);
            sys.bpf("bpf(BPF_MAP_DELETE_ELEM) for " + what, BPF_MAP_DELETE_ELEM, attr);
        }
    }

    /** Detaches the program; sessions still spliced stop forwarding, so close it only after them. */
    @Override
    public void close() {
        sys.close(programFd);
        sys.close(routesFd);
        sys.close(membersFd);
    }
}
