package dev.cairn.proxy.splice;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The sk_skb verdict program, assembled by hand (nine instructions do not warrant a compiler toolchain):
 * <pre>
 *   key = bpf_get_socket_cookie(skb)          // the socket the bytes arrived on
 *   return bpf_sk_redirect_hash(skb, &amp;peers, &amp;key, 0)   // send them out of its peer; no peer: drop
 * </pre>
 * The map holds each spliced socket under its peer's cookie, so one lookup finds where bytes go.
 */
final class RedirectProgram {
    private static final int FUNC_GET_SOCKET_COOKIE = 46;
    private static final int FUNC_SK_REDIRECT_HASH = 72;
    private static final int PSEUDO_MAP_FD = 1;

    // opcode classes and fields, from linux/bpf_common.h and linux/bpf.h
    private static final int LD = 0x00, STX = 0x03, JMP = 0x05, ALU64 = 0x07;
    private static final int IMM = 0x00, MEM = 0x60, DW = 0x18;
    private static final int MOV = 0xb0, ADD = 0x00, CALL = 0x80, EXIT = 0x90;
    private static final int K = 0x00, X = 0x08;
    private static final int R0 = 0, R1 = 1, R2 = 2, R3 = 3, R4 = 4, R6 = 6, R10 = 10;

    static final int INSTRUCTION_SIZE = 8;

    private RedirectProgram() {}

    /** The program's instructions, referring to the SOCKHASH {@code mapFd}. */
    static byte[] instructions(int mapFd) {
        ByteBuffer out = ByteBuffer.allocate(11 * INSTRUCTION_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        insn(out, ALU64 | MOV | X, R6, R1, 0, 0);                 // r6 = skb (r1 is clobbered by calls)
        insn(out, JMP | CALL, 0, 0, 0, FUNC_GET_SOCKET_COOKIE);   // r0 = cookie(skb->sk)
        insn(out, STX | MEM | DW, R10, R0, -8, 0);                // *(u64 *)(fp - 8) = r0
        insn(out, ALU64 | MOV | X, R1, R6, 0, 0);                 // r1 = skb
        insn(out, LD | IMM | DW, R2, PSEUDO_MAP_FD, 0, mapFd);    // r2 = &peers (two slots: 64-bit immediate)
        insn(out, 0, 0, 0, 0, 0);
        insn(out, ALU64 | MOV | X, R3, R10, 0, 0);                // r3 = fp - 8: the key
        insn(out, ALU64 | ADD | K, R3, 0, 0, -8);
        insn(out, ALU64 | MOV | K, R4, 0, 0, 0);                  // r4 = 0: out of the peer, not into it
        insn(out, JMP | CALL, 0, 0, 0, FUNC_SK_REDIRECT_HASH);    // r0 = SK_PASS if redirected, else SK_DROP
        insn(out, JMP | EXIT, 0, 0, 0, 0);
        return out.array();
    }

    private static void insn(ByteBuffer out, int code, int dst, int src, int offset, int imm) {
        out.put((byte) code).put((byte) ((src << 4) | dst)).putShort((short) offset).putInt(imm);
    }
}
