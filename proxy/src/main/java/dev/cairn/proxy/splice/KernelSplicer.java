package dev.cairn.proxy.splice;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;

import java.nio.ByteOrder;
import java.nio.LongBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Forwards bytes between pairs of connected TCP sockets inside the kernel (a BPF sockmap), so a relayed
 * session costs the relaying process no reads, writes or wake-ups. Spliced sockets are members of a
 * SOCKHASH (keyed by their own cookie; a socket leaves it when it closes), and a route map sends each
 * member's bytes out of its peer ({@link RedirectProgram}).
 *
 * <p>Needs Linux 5.13+ (sk_skb verdict programs) and CAP_BPF with CAP_NET_ADMIN. The kernel
 * forwards through a queue per receiving socket which has no bound: when a receiver reads slower than its
 * sender writes, the queue grows without limit, so the owner must watch it ({@link #bytesTakenFrom},
 * {@link #bytesPutInto}) and {@link #stopForwardingFrom} a sender that outruns its peer (on Linux 6.18.44
 * reading what such a sender's socket keeps, under back-pressure, returned a 64 KiB segment twice: README,
 * why the splice is off by default). The queue can only have grown where its counter ({@link #readForwarded})
 * moved, which costs no system call to read. Bytes in that queue are dropped if the socket they are bound for
 * closes, so whoever closes a spliced socket should give it a moment, and then {@link #release} the pair.
 */
public final class KernelSplicer implements AutoCloseable {
    private static final int BPF_MAP_CREATE = 0, BPF_MAP_UPDATE_ELEM = 2, BPF_MAP_DELETE_ELEM = 3;
    private static final int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8;
    private static final int MAP_TYPE_HASH = 1, MAP_TYPE_ARRAY = 2, MAP_TYPE_SOCKHASH = 18;
    private static final int BPF_F_MMAPABLE = 1 << 10;
    private static final long PAGE = 4096;
    private static final int PROG_TYPE_SK_SKB = 14;
    private static final int ATTACH_SK_SKB_VERDICT = 38;
    private static final int VERIFIER_LOG_SIZE = 1 << 16;

    private final LinuxSyscalls sys;
    private final int membersFd;
    private final int routesFd;
    private final int countersFd;
    private final int programFd;
    private final Pointer countersMapping;
    private final long countersLength;
    private final LongBuffer counters; // a view of the mapping; read with absolute gets only
    private final int[] freeSlots; // a stack, lowest slot on top: slots in use stay packed at the low end
    private int freeSlotCount;
    private volatile int slotsEverUsed;

    /**
     * Two sockets spliced to each other, with the cookies their routes are keyed by and the slots of the
     * counters of what the kernel forwarded from each ({@link #readForwarded}).
     */
    public record SplicedPair(int socketA, long cookieA, int slotA, int socketB, long cookieB, int slotB) {}

    private KernelSplicer(LinuxSyscalls sys, int membersFd, int routesFd, int countersFd, int programFd,
                          Pointer countersMapping, long countersLength, int slots) {
        this.sys = sys;
        this.membersFd = membersFd;
        this.routesFd = routesFd;
        this.countersFd = countersFd;
        this.programFd = programFd;
        this.countersMapping = countersMapping;
        this.countersLength = countersLength;
        this.counters = countersMapping.getByteBuffer(0, countersLength).order(ByteOrder.nativeOrder()).asLongBuffer();
        this.freeSlots = new int[slots];
        for (int slot = 0; slot < slots; slot++) {
            freeSlots[slot] = slots - 1 - slot;
        }
        this.freeSlotCount = slots;
    }

    /** Loads the program; {@code maxSockets} bounds how many sockets (two per session) may be spliced at once. */
    public static KernelSplicer open(int maxSockets) throws BpfException {
        LinuxSyscalls sys = LinuxSyscalls.load();
        // keys: socket cookies; a member's value is its fd (on update), a route's its peer's cookie and counter slot
        // room for twice the sockets: a member leaves when its socket closes, which can be a while after its
        // session gave back its slots, and the slots alone should decide whether a new session is spliced
        int members = createMap(sys, "SOCKHASH", MAP_TYPE_SOCKHASH, Long.BYTES, Integer.BYTES, 2 * maxSockets, 0);
        int routes = -1;
        int counters = -1;
        int program = -1;
        try {
            routes = createMap(sys, "HASH", MAP_TYPE_HASH, Long.BYTES, RedirectProgram.ROUTE_SIZE, maxSockets, 0);
            counters = createMap(sys, "ARRAY", MAP_TYPE_ARRAY, Integer.BYTES, Long.BYTES, maxSockets, BPF_F_MMAPABLE);
            long length = (maxSockets * (long) Long.BYTES + PAGE - 1) / PAGE * PAGE;
            Pointer mapping = sys.mapShared(counters, length, "counters");
            try {
                program = loadProgram(sys, members, routes, counters);
                attach(sys, members, program);
            } catch (BpfException e) {
                sys.unmap(mapping, length);
                throw e;
            }
            return new KernelSplicer(sys, members, routes, counters, program, mapping, length, maxSockets);
        } catch (BpfException e) {
            for (int fd : new int[] {program, counters, routes, members}) {
                if (fd >= 0) {
                    sys.close(fd);
                }
            }
            throw e;
        }
    }

    private static int createMap(LinuxSyscalls sys, String name, int type, int keySize, int valueSize, int maxEntries,
                                 int flags) throws BpfException {
        try (Memory attr = LinuxSyscalls.attr()) {
            attr.setInt(0, type);
            attr.setInt(4, keySize);
            attr.setInt(8, valueSize);
            attr.setInt(12, maxEntries);
            attr.setInt(16, flags);
            return sys.bpf("bpf(BPF_MAP_CREATE, " + name + ")", BPF_MAP_CREATE, attr);
        } catch (BpfException e) {
            throw e.errno() == LinuxSyscalls.EPERM
                    ? new BpfException(e.operation(), e.errno(), "not permitted: splicing needs CAP_BPF and CAP_NET_ADMIN")
                    : e;
        }
    }

    private static int loadProgram(LinuxSyscalls sys, int members, int routes, int counters) throws BpfException {
        byte[] code = RedirectProgram.instructions(members, routes, counters);
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
     * From now on, bytes arriving on either socket leave through the other without reaching user space; bytes
     * that arrived before are forwarded now, in order. Both must be connected TCP sockets. On failure neither
     * socket is forwarded.
     */
    public SplicedPair splice(int socketA, int socketB) throws BpfException {
        long cookieA = sys.socketCookie(socketA);
        long cookieB = sys.socketCookie(socketB);
        int[] slots = takeSlots();
        SplicedPair pair = new SplicedPair(socketA, cookieA, slots[0], socketB, cookieB, slots[1]);
        try {
            // members first: until its route exists a member's bytes stay with its owner
            addMember(pair.cookieA(), socketA);
            addMember(pair.cookieB(), socketB);
            addRoute(pair.cookieA(), pair.cookieB(), pair.slotA(), socketA);
            addRoute(pair.cookieB(), pair.cookieA(), pair.slotB(), socketB);
            // the program runs when bytes arrive: what arrived before would wait for the next segment
            sys.nudge(socketA);
            sys.nudge(socketB);
            return pair;
        } catch (BpfException e) {
            release(pair);
            delete(membersFd, pair.cookieA());
            delete(membersFd, pair.cookieB());
            throw e;
        }
    }

    /** How many counter slots there are: two per session the splicer can hold. */
    public int counterSlots() {
        return freeSlots.length;
    }

    /**
     * The counts of every slot handed out so far, into the start of {@code into} (of {@link #counterSlots}
     * entries); returns how many. A slot's count is the bytes the kernel has forwarded through it since the
     * splicer opened: it grows while a pair holds the slot and its route exists. A bulk copy from memory the
     * kernel shares, no system call: thousands of sessions in microseconds.
     */
    public int readForwarded(long[] into) {
        int slots = slotsEverUsed;
        counters.get(0, into, 0, slots);
        return slots;
    }

    private synchronized int[] takeSlots() throws BpfException {
        if (freeSlotCount < 2) {
            throw new BpfException("splice", 0, "all " + freeSlots.length / 2 + " spliced sessions are in use");
        }
        freeSlotCount -= 2;
        int[] slots = {freeSlots[freeSlotCount + 1], freeSlots[freeSlotCount]};
        slotsEverUsed = Math.max(slotsEverUsed, Math.max(slots[0], slots[1]) + 1);
        return slots;
    }

    private synchronized void returnSlots(SplicedPair pair) {
        // a program still running for the old route may bump a slot after this: its next owner sees a move
        // that was not its own, which costs one needless check
        freeSlots[freeSlotCount++] = pair.slotB();
        freeSlots[freeSlotCount++] = pair.slotA();
    }

    /**
     * Stops forwarding what arrives on the socket with this cookie: its bytes now wait in it for its owner to
     * read, and count against its receive buffer. Bytes already taken are still delivered to the peer.
     */
    public void stopForwardingFrom(long cookie) throws BpfException {
        deleteEntry(routesFd, cookie, "route " + cookie);
    }

    /**
     * Forgets the pair's routes and frees its counter slots; call once, when the session ends (sockets leave
     * the membership as they close).
     */
    public void release(SplicedPair pair) {
        delete(routesFd, pair.cookieA());
        delete(routesFd, pair.cookieB());
        returnSlots(pair);
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

    private void addMember(long cookie, int socket) throws BpfException {
        try (Memory value = new Memory(Integer.BYTES)) {
            value.setInt(0, socket);
            update(membersFd, cookie, value, "member fd " + socket);
        }
    }

    private void addRoute(long from, long to, int slot, int socket) throws BpfException {
        try (Memory value = new Memory(RedirectProgram.ROUTE_SIZE)) {
            value.clear();
            value.setLong(RedirectProgram.ROUTE_PEER_OFFSET, to);
            value.setInt(RedirectProgram.ROUTE_SLOT_OFFSET, slot);
            update(routesFd, from, value, "route from fd " + socket);
        }
    }

    private void update(int map, long key, Memory value, String what) throws BpfException {
        try (Memory k = new Memory(Long.BYTES); Memory attr = LinuxSyscalls.attr()) {
            k.setLong(0, key);
            attr.setInt(0, map);
            attr.setPointer(8, k);
            attr.setPointer(16, value);
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
        sys.unmap(countersMapping, countersLength);
        sys.close(countersFd);
        sys.close(routesFd);
        sys.close(membersFd);
    }
}
