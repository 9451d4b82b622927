package dev.cairn.proxy.splice;

import com.sun.jna.Memory;

import java.nio.charset.StandardCharsets;

/**
 * Forwards bytes between pairs of connected TCP sockets inside the kernel (a BPF sockmap), so a relayed
 * session costs the relaying process no reads, writes or wake-ups. The program is attached to one SOCKHASH
 * that holds each spliced socket under its peer's cookie; a socket leaves it when it closes.
 *
 * <p>Needs Linux 5.13+ (sk_skb verdict programs) and CAP_BPF with CAP_NET_ADMIN. Bytes already received
 * before {@link #splice} still sit in the socket for its owner to read ({@link #unreadBytes}). The kernel
 * forwards through a work queue per socket: bytes taken from one socket but not yet written to the other
 * are dropped if that other socket closes, so whoever closes a spliced socket should give it a moment.
 */
public final class KernelSplicer implements AutoCloseable {
    private static final int BPF_MAP_CREATE = 0, BPF_MAP_UPDATE_ELEM = 2, BPF_MAP_DELETE_ELEM = 3;
    private static final int BPF_PROG_LOAD = 5, BPF_PROG_ATTACH = 8;
    private static final int MAP_TYPE_SOCKHASH = 18;
    private static final int PROG_TYPE_SK_SKB = 14;
    private static final int ATTACH_SK_SKB_VERDICT = 38;
    private static final int VERIFIER_LOG_SIZE = 1 << 16;

    private final LinuxSyscalls sys;
    private final int mapFd;
    private final int programFd;

    private KernelSplicer(LinuxSyscalls sys, int mapFd, int programFd) {
        this.sys = sys;
        this.mapFd = mapFd;
        this.programFd = programFd;
    }

    /** Loads the program; {@code maxSockets} bounds how many sockets (two per session) may be spliced at once. */
    public static KernelSplicer open(int maxSockets) throws BpfException {
        LinuxSyscalls sys = LinuxSyscalls.load();
        int map = createMap(sys, maxSockets);
        int program = -1;
        try {
            program = loadProgram(sys, map);
            attach(sys, map, program);
            return new KernelSplicer(sys, map, program);
        } catch (BpfException e) {
            if (program >= 0) {
                sys.close(program);
            }
            sys.close(map);
            throw e;
        }
    }

    private static int createMap(LinuxSyscalls sys, int maxSockets) throws BpfException {
        try (Memory attr = LinuxSyscalls.attr()) {
            attr.setInt(0, MAP_TYPE_SOCKHASH);
            attr.setInt(4, Long.BYTES);    // key: the peer's socket cookie
            attr.setInt(8, Integer.BYTES); // value: a socket fd on update
            attr.setInt(12, maxSockets);
            return sys.bpf("bpf(BPF_MAP_CREATE, SOCKHASH)", BPF_MAP_CREATE, attr);
        } catch (BpfException e) {
            throw e.errno() == LinuxSyscalls.EPERM
                    ? new BpfException(e.operation(), e.errno(), "not permitted: splicing needs CAP_BPF and CAP_NET_ADMIN")
                    : e;
        }
    }

    private static int loadProgram(LinuxSyscalls sys, int map) throws BpfException {
        byte[] code = RedirectProgram.instructions(map);
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

    private static void attach(LinuxSyscalls sys, int map, int program) throws BpfException {
        try (Memory attr = LinuxSyscalls.attr()) {
            attr.setInt(0, map);
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
     * Both must be connected TCP sockets. On failure neither socket is spliced.
     */
    public void splice(int socketA, int socketB) throws BpfException {
        long cookieA = sys.socketCookie(socketA);
        long cookieB = sys.socketCookie(socketB);
        update(cookieA, socketB);
        try {
            update(cookieB, socketA);
        } catch (BpfException e) {
            delete(cookieA);
            throw e;
        }
    }

    /** Bytes the socket received that are still waiting to be read by its owner. */
    public int unreadBytes(int socket) throws BpfException {
        return sys.unreadBytes(socket);
    }

    private void update(long key, int socket) throws BpfException {
        try (Memory k = new Memory(Long.BYTES); Memory v = new Memory(Integer.BYTES); Memory attr = LinuxSyscalls.attr()) {
            k.setLong(0, key);
            v.setInt(0, socket);
            attr.setInt(0, mapFd);
            attr.setPointer(8, k);
            attr.setPointer(16, v);
            sys.bpf("bpf(BPF_MAP_UPDATE_ELEM) for fd " + socket, BPF_MAP_UPDATE_ELEM, attr);
        }
    }

    private void delete(long key) {
        try (Memory k = new Memory(Long.BYTES); Memory attr = LinuxSyscalls.attr()) {
            k.setLong(0, key);
            attr.setInt(0, mapFd);
            attr.setPointer(8, k);
            sys.bpf("bpf(BPF_MAP_DELETE_ELEM)", BPF_MAP_DELETE_ELEM, attr);
        } catch (BpfException ignored) {
            // already gone: the socket closed
        }
    }

    /** Detaches the program; sessions still spliced stop forwarding, so close it only after them. */
    @Override
    public void close() {
        sys.close(programFd);
        sys.close(mapFd);
    }
}
