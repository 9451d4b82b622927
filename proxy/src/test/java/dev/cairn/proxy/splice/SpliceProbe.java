package dev.cairn.proxy.splice;

/** Prints whether this process may splice sockets in the kernel; run by {@link KernelSplicerTest} with fewer capabilities. */
public final class SpliceProbe {
    private SpliceProbe() {
    }

    public static void main(String[] args) {
        try (KernelSplicer ignored = KernelSplicer.open(16)) {
            System.out.println("on");
        } catch (BpfException e) {
            System.out.println("unavailable: " + e.getMessage());
        }
    }
}
