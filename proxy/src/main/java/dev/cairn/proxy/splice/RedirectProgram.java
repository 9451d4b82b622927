package dev.cairn.proxy.splice;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The sk_skb verdict program, assembled by hand (two dozen instructions do not warrant a compiler toolchain):
 * <pre>
 *   key = bpf_get_socket_cookie(skb)                  // the socket the bytes arrived on
 *   route = bpf_map_lookup_elem(&amp;routes, &amp;key)         // {its peer's cookie, its counter slot}
 *   if (!route) return SK_PASS                        // no route: left for the socket's owner to read
 *   counter = bpf_map_lookup_elem(&amp;counters, &amp;route-&gt;slot)
 *   if (counter) __sync_fetch_and_add(counter, skb-&gt;len)
 *   if (bpf_sk_redirect_hash(skb, &amp;members, &amp;route-&gt;peer, 0) == SK_PASS)
 *       return SK_PASS                                // sent out of the peer
 *   return SK_PASS
 * </pre>
 * Membership and routing are separate maps because the kernel queues redirected bytes on the receiving
 * socket's membership: a route can be removed (the sender's bytes then wait in its own socket, counted
 * against its receive buffer, so TCP holds the writer back) while what was already taken is still delivered.
 * The counters (an array the proxy maps into its memory) tell the proxy which routes carried bytes since it
 * last looked, without a system call per session.
 */
final class RedirectProgram {
    private static final int FUNC_MAP_LOOKUP_ELEM = 1;
    private static final int FUNC_GET_SOCKET_COOKIE = 46;
    private static final int FUNC_SK_REDIRECT_HASH = 72;
    private static final int PSEUDO_MAP_FD = 1;
    private static final int SK_PASS = 1;

    // opcode classes and fields, from linux/bpf_common.h and linux/bpf.h
    private static final int LD = 0x00, LDX = 0x01, STX = 0x03, JMP = 0x05, ALU64 = 0x07;
    private static final int IMM = 0x00, MEM = 0x60, ATOMIC = 0xc0, W = 0x00, DW = 0x18;
    private static final int MOV = 0xb0, ADD = 0x00, JEQ = 0x10, JNE = 0x50, CALL = 0x80, EXIT = 0x90;
    private static final int K = 0x00, X = 0x08;
    private static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R6 = 6, R7 = 7, R10 = 10;

    /** A route's value: the peer's cookie, then the slot of the sender's counter. */
    static final int ROUTE_PEER_OFFSET = 0, ROUTE_SLOT_OFFSET = 8, ROUTE_SIZE = 16;
    static final int INSTRUCTION_SIZE = 8;
    private static final int INSTRUCTIONS = 29;

    private RedirectProgram() {}

    /** The program's instructions, for the SOCKHASH {@code membersFd}, the HASH {@code routesFd} and the ARRAY {@code countersFd}. */
    static byte[] instructions(int membersFd, int routesFd, int countersFd) {
        ByteBuffer out = ByteBuffer.allocate(INSTRUCTIONS * INSTRUCTION_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        insn(out, ALU64 | MOV | X, R6, R1, 0, 0);                 // r6 = skb (r1 to r5 are clobbered by calls)
        insn(out, JMP | CALL, 0, 0, 0, FUNC_GET_SOCKET_COOKIE);   // r0 = cookie(skb->sk)
        insn(out, STX | MEM | DW, R10, R0, -8, 0);                // *(u64 *)(fp - 8) = r0
        loadMap(out, R1, routesFd);                               // r1 = &routes (two slots)
        insn(out, ALU64 | MOV | X, R2, R10, 0, 0);                // r2 = fp - 8
        insn(out, ALU64 | ADD | K, R2, 0, 0, -8);
        insn(out, JMP | CALL, 0, 0, 0, FUNC_MAP_LOOKUP_ELEM);     // r0 = &routes[cookie] or null
        insn(out, JMP | JEQ | K, R0, 0, 18, 0);                   // no route: on to "pass"
        insn(out, ALU64 | MOV | X, R7, R0, 0, 0);                 // r7 = route (kept across calls)
        insn(out, LDX | MEM | W, R1, R7, ROUTE_SLOT_OFFSET, 0);   // r1 = route->slot
        insn(out, STX | MEM | W, R10, R1, -16, 0);                // *(u32 *)(fp - 16) = r1
        loadMap(out, R1, countersFd);                             // r1 = &counters (two slots)
        insn(out, ALU64 | MOV | X, R2, R10, 0, 0);                // r2 = fp - 16
        insn(out, ALU64 | ADD | K, R2, 0, 0, -16);
        insn(out, JMP | CALL, 0, 0, 0, FUNC_MAP_LOOKUP_ELEM);     // r0 = &counters[slot] or null
        insn(out, JMP | JEQ | K, R0, 0, 2, 0);                    // no counter: redirect uncounted
        insn(out, LDX | MEM | W, R1, R6, 0, 0);                   // r1 = skb->len
        insn(out, STX | ATOMIC | DW, R0, R1, 0, ADD);             // lock *(u64 *)r0 += r1
        insn(out, ALU64 | MOV | X, R1, R6, 0, 0);                 // r1 = skb
        loadMap(out, R2, membersFd);                              // r2 = &members (two slots)
        insn(out, ALU64 | MOV | X, R3, R7, 0, 0);                 // r3 = &route->peer
        insn(out, ALU64 | MOV | K, R4, 0, 0, 0);                  // r4 = 0: out of the peer, not into it
        insn(out, JMP | CALL, 0, 0, 0, FUNC_SK_REDIRECT_HASH);    // r0 = SK_PASS if redirected, else SK_DROP
        insn(out, JMP | JNE | K, R0, 0, 1, 0);                    // redirected: return that
        insn(out, ALU64 | MOV | K, R0, 0, 0, SK_PASS);            // pass: to the socket's own reader
        insn(out, JMP | EXIT, 0, 0, 0, 0);
        if (out.hasRemaining()) {
            throw new IllegalStateException("RedirectProgram.INSTRUCTIONS does not match the program");
        }
        return out.array();
    }

    private static void loadMap(ByteBuffer out, int register, int mapFd) {
        insn(out, LD | IMM | DW, register, PSEUDO_MAP_FD, 0, mapFd);
        insn(out, 0, 0, 0, 0, 0);
    }

    private static void insn(ByteBuffer out, int code, int dst, int src, int offset, int imm) {
        out.put((byte) code).put((byte) ((src << 4) | dst)).putShort((short) offset).putInt(imm);
    }
}
