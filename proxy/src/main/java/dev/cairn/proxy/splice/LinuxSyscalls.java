package dev.cairn.proxy.splice;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

/**
 * The system calls the kernel splice needs, made through JNA: bpf(2) with a zeroed {@code union bpf_attr}
 * the caller fills, getsockopt(SO_COOKIE and TCP_INFO), ioctl(FIONREAD and SIOCOUTQ), recv(2) to peek, mmap(2)
 * and close(2).
 * Linux on x86_64 and aarch64 only.
 */
final class LinuxSyscalls {
    static final int EPERM = 1;
    static final int EINVAL = 22;

    /** Big enough for every command used here; the kernel accepts a shorter attr than its own union. */
    static final int ATTR_SIZE = 128;

    private static final int SOL_SOCKET = 1;
    private static final int SO_COOKIE = 57;
    private static final int FIONREAD = 0x541B;
    private static final int SIOCOUTQ = 0x5411;
    private static final int IPPROTO_TCP = 6;
    private static final int MSG_PEEK = 0x2, MSG_DONTWAIT = 0x40;
    private static final int PROT_READ = 1, PROT_WRITE = 2, MAP_SHARED = 1;
    private static final int TCP_INFO = 11;
    /** struct tcp_info from linux/tcp.h: its size and where the 64-bit byte counters sit. */
    private static final int TCP_INFO_SIZE = 232, BYTES_ACKED_OFFSET = 120, BYTES_RECEIVED_OFFSET = 128;

    private interface LibC extends Library {
        long syscall(long number, Object... args) throws LastErrorException;

        int getsockopt(int fd, int level, int option, Pointer value, IntByReference length) throws LastErrorException;

        int ioctl(int fd, long request, IntByReference value) throws LastErrorException;

        long recv(int fd, Pointer buffer, long length, int flags) throws LastErrorException;

        int close(int fd) throws LastErrorException;

        Pointer mmap(Pointer address, long length, int protection, int flags, int fd, long offset) throws LastErrorException;

        int munmap(Pointer address, long length) throws LastErrorException;
    }

    private final LibC libc;
    private final long bpfSyscall;

    private LinuxSyscalls(LibC libc, long bpfSyscall) {
        this.libc = libc;
        this.bpfSyscall = bpfSyscall;
    }

    static LinuxSyscalls load() throws BpfException {
        if (!System.getProperty("os.name", "").equals("Linux")) {
            throw new BpfException("load", 0, "sockmap splicing is Linux-only, this is " + System.getProperty("os.name"));
        }
        long number = switch (System.getProperty("os.arch", "")) {
            case "amd64", "x86_64" -> 321;
            case "aarch64" -> 280;
            default -> throw new BpfException("load", 0, "no bpf(2) system call number for " + System.getProperty("os.arch"));
        };
        try {
            return new LinuxSyscalls(Native.load("c", LibC.class), number);
        } catch (LinkageError e) {
            throw new BpfException("load", 0, "cannot load libc through JNA: " + e.getMessage());
        }
    }

    static Memory attr() {
        Memory attr = new Memory(ATTR_SIZE);
        attr.clear();
        return attr;
    }

    /** bpf(cmd, attr); returns what the kernel returned (a new fd for MAP_CREATE and PROG_LOAD). */
    int bpf(String operation, int command, Memory attr) throws BpfException {
        try {
            return (int) libc.syscall(bpfSyscall, command, attr, ATTR_SIZE);
        } catch (LastErrorException e) {
            throw new BpfException(operation, e.getErrorCode(), e.getMessage());
        }
    }

    /** The kernel's 64-bit identity of a socket: what the splice program sees for the socket that received data. */
    long socketCookie(int fd) throws BpfException {
        try (Memory value = new Memory(Long.BYTES)) {
            libc.getsockopt(fd, SOL_SOCKET, SO_COOKIE, value, new IntByReference(Long.BYTES));
            return value.getLong(0);
        } catch (LastErrorException e) {
            throw new BpfException("getsockopt(SO_COOKIE) on fd " + fd, e.getErrorCode(), e.getMessage());
        }
    }

    /** Bytes received on a socket and not yet read. */
    int unreadBytes(int fd) throws BpfException {
        return ioctlCount(fd, FIONREAD, "FIONREAD");
    }

    /**
     * Peeks at a socket without waiting or taking anything. For a sockmap member this runs the splice program
     * over bytes that arrived before it joined (Linux 6.18 does so on a read), and its owner reads nothing.
     */
    void nudge(int fd) {
        try (Memory one = new Memory(1)) {
            libc.recv(fd, one, 1, MSG_PEEK | MSG_DONTWAIT);
        } catch (LastErrorException ignored) {
            // EAGAIN: nothing left for the owner, as it should be; a closing socket: its session is ending
        }
    }

    /** Bytes written to a TCP socket that its peer has not acknowledged yet. */
    int unackedBytes(int fd) throws BpfException {
        return ioctlCount(fd, SIOCOUTQ, "SIOCOUTQ");
    }

    private int ioctlCount(int fd, long request, String name) throws BpfException {
        IntByReference count = new IntByReference();
        try {
            libc.ioctl(fd, request, count);
            return count.getValue();
        } catch (LastErrorException e) {
            throw new BpfException("ioctl(" + name + ") on fd " + fd, e.getErrorCode(), e.getMessage());
        }
    }

    /** tcpi_bytes_received and tcpi_bytes_acked of a TCP socket. */
    TcpBytes tcpBytes(int fd) throws BpfException {
        try (Memory info = new Memory(TCP_INFO_SIZE)) {
            info.clear();
            IntByReference length = new IntByReference(TCP_INFO_SIZE);
            libc.getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, length);
            if (length.getValue() < BYTES_RECEIVED_OFFSET + Long.BYTES) {
                throw new BpfException("getsockopt(TCP_INFO) on fd " + fd, 0, "the kernel's tcp_info has no byte counters");
            }
            return new TcpBytes(info.getLong(BYTES_RECEIVED_OFFSET), info.getLong(BYTES_ACKED_OFFSET));
        } catch (LastErrorException e) {
            throw new BpfException("getsockopt(TCP_INFO) on fd " + fd, e.getErrorCode(), e.getMessage());
        }
    }

    record TcpBytes(long received, long acked) {}

    /** Maps {@code length} bytes of a BPF map created with BPF_F_MMAPABLE into this process, readable and writable. */
    Pointer mapShared(int fd, long length, String what) throws BpfException {
        try {
            return libc.mmap(null, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        } catch (LastErrorException e) {
            throw new BpfException("mmap(" + what + ")", e.getErrorCode(), e.getMessage());
        }
    }

    void unmap(Pointer address, long length) {
        try {
            libc.munmap(address, length);
        } catch (LastErrorException ignored) {
            // only fails for an address that was never mapped
        }
    }

    void close(int fd) {
        try {
            libc.close(fd);
        } catch (LastErrorException ignored) {
            // closing a map or program fd we own cannot usefully fail
        }
    }
}
