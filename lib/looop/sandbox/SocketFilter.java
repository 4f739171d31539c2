package looop.sandbox;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The seccomp filter every sandboxed command runs under (bwrap's --seccomp),
 * as a classic BPF program. It closes the channels a file-system sandbox
 * leaves open, as Claude Code's sandbox runtime does:
 *
 * <ul>
 * <li>socket(AF_UNIX, …) fails with EPERM, so no Unix socket of the person's
 *     is reachable, path (D-Bus, ssh-agent, docker) or abstract (X11, which
 *     lives in the network namespace the sandbox shares when the network is
 *     on). Seccomp sees no path, so it is all or nothing: allowUnix drops the
 *     rule. socketpair(2) is another call and stays (libuv gives child stdio one).</li>
 * <li>io_uring_setup/enter/register fail with EPERM: a ring opens sockets
 *     without the socket call.</li>
 * <li>mknod/mknodat of a FIFO fail with EPERM: looop reads what a worker
 *     leaves in its outbox, and a FIFO swapped in between looop's look and
 *     its open would block that open (nothing else a worker can make does).</li>
 * <li>Any other ABI is killed at its first call: i386 (int 0x80, where socket
 *     hides behind socketcall), x32 (x86_64 numbers with bit 30 set), arm32 on
 *     aarch64. Killed rather than refused: a program whose every call fails,
 *     exit included, would spin; none of an agent's tools is such a binary.</li>
 * </ul>
 *
 * Everything else is allowed: the file system and namespaces do the rest.
 */
public final class SocketFilter {
    private SocketFilter() {}

    // linux/filter.h, linux/seccomp.h, linux/audit.h
    private static final int LD_W_ABS = 0x20, JEQ_K = 0x15, JGE_K = 0x35, RET_K = 0x06, AND_K = 0x54;
    private static final int RET_KILL_PROCESS = 0x80000000, RET_ERRNO = 0x00050000, RET_ALLOW = 0x7fff0000;
    private static final int EPERM = 1, AF_UNIX = 1;
    private static final int ARCH_X86_64 = 0xC000003E, ARCH_AARCH64 = 0xC00000B7;
    private static final int X32_BIT = 0x40000000;
    // struct seccomp_data: nr, arch, instruction_pointer, args[6]; the low word of args[0] on a little-endian host
    private static final int NR = 0, ARCH = 4, ARG0 = 16, ARG1 = 24, ARG2 = 32;
    private static final int S_IFMT = 0xF000, S_IFIFO = 0x1000;
    /** mknod (its mode is args[1]; x86_64 only) and mknodat (mode in args[2]). */
    private static final int MKNOD_X86_64 = 133, MKNODAT_X86_64 = 259, MKNODAT_AARCH64 = 33;
    private static final int SOCKET_X86_64 = 41, SOCKET_AARCH64 = 198;
    /** io_uring_setup, io_uring_enter, io_uring_register: one number on every 64-bit arch since Linux 5.1. */
    private static final int[] IO_URING = {425, 426, 427};

    /**
     * Whether this host's ABI is one the program reads: on any other it would
     * kill every command, so there is no filter there, and the sandbox says so.
     */
    public static boolean understands(String osArch) {
        return osArch.equals("amd64") || osArch.equals("x86_64") || osArch.equals("aarch64");
    }

    /** The program, as the bytes bwrap reads (struct sock_filter[], host byte order). */
    public static byte[] bytes(boolean allowUnix) {
        Asm a = new Asm();
        a.ld(ARCH);
        a.jeq(ARCH_X86_64, "x86_64");
        a.jeq(ARCH_AARCH64, "aarch64");
        a.ret(RET_KILL_PROCESS);

        a.label("x86_64");
        a.ld(NR);
        a.jge(X32_BIT, "kill");
        a.jeq(MKNOD_X86_64, "mknod");
        a.jeq(MKNODAT_X86_64, "mknodat");
        calls(a, SOCKET_X86_64, allowUnix);

        a.label("aarch64");
        a.ld(NR);
        a.jeq(MKNODAT_AARCH64, "mknodat");
        calls(a, SOCKET_AARCH64, allowUnix);

        a.label("mknod");
        a.ld(ARG1);
        a.and(S_IFMT);
        a.jeq(S_IFIFO, "deny");
        a.ret(RET_ALLOW);
        a.label("mknodat");
        a.ld(ARG2);
        a.and(S_IFMT);
        a.jeq(S_IFIFO, "deny");
        a.ret(RET_ALLOW);

        a.label("socket");
        a.ld(ARG0);
        a.jeq(AF_UNIX, "deny");
        a.ret(RET_ALLOW);
        a.label("deny");
        a.ret(RET_ERRNO | EPERM);
        a.label("kill");
        a.ret(RET_KILL_PROCESS);
        return a.assemble();
    }

    private static void calls(Asm a, int socket, boolean allowUnix) {
        if (!allowUnix) a.jeq(socket, "socket");
        for (int nr : IO_URING) a.jeq(nr, "deny");
        a.ret(RET_ALLOW);
    }

    /** A two-pass assembler: conditional jumps name a label; false falls through. */
    private static final class Asm {
        private record Insn(int code, int k, String target) {}

        private final List<Insn> code = new ArrayList<>();
        private final Map<String, Integer> labels = new HashMap<>();

        void ld(int offset) {
            code.add(new Insn(LD_W_ABS, offset, null));
        }

        void jeq(int k, String target) {
            code.add(new Insn(JEQ_K, k, target));
        }

        void jge(int k, String target) {
            code.add(new Insn(JGE_K, k, target));
        }

        void and(int k) {
            code.add(new Insn(AND_K, k, null));
        }

        void ret(int k) {
            code.add(new Insn(RET_K, k, null));
        }

        void label(String name) {
            labels.put(name, code.size());
        }

        byte[] assemble() {
            ByteBuffer out = ByteBuffer.allocate(code.size() * 8).order(ByteOrder.nativeOrder());
            for (int i = 0; i < code.size(); i++) {
                Insn in = code.get(i);
                int jt = 0;
                if (in.target() != null) {
                    jt = labels.get(in.target()) - i - 1;
                    if (jt < 0 || jt > 255) throw new IllegalStateException("jump out of range to " + in.target());
                }
                out.putShort((short) in.code()).put((byte) jt).put((byte) 0).putInt(in.k());
            }
            return out.array();
        }
    }
}
