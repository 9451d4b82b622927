package dev.cairn.proxy.splice;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the kernel splice says when it cannot be had. Splicing itself is tested through the proxy (KernelSpliceProxyTest). */
class KernelSplicerTest {

    @Test
    void aRefusedCallIsNamedWithTheKernelsReason() {
        // a map of no entries: refused as invalid where bpf(2) is permitted, as not permitted elsewhere
        assertThatThrownBy(() -> KernelSplicer.open(0))
                .isInstanceOfSatisfying(BpfException.class, e -> {
                    assertThat(e.operation()).isEqualTo("bpf(BPF_MAP_CREATE, SOCKHASH)");
                    assertThat(e.errno()).isIn(LinuxSyscalls.EINVAL, LinuxSyscalls.EPERM);
                    assertThat(e.getMessage()).startsWith("bpf(BPF_MAP_CREATE, SOCKHASH): ");
                });
    }

    @Test
    void withoutCapBpfTheProxyIsToldWhichCapabilitiesItLacks() throws Exception {
        List<String> command = new ArrayList<>();
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            // drop them from the bounding set: the probe, though root, starts without them
            command.addAll(List.of("setpriv", "--bounding-set=-bpf,-net_admin,-sys_admin,-perfmon"));
        }
        command.addAll(List.of(ProcessHandle.current().info().command().orElseThrow(), "-cp",
                System.getProperty("java.class.path"), SpliceProbe.class.getName()));
        Path out = Files.createTempFile("splice-probe", ".out");
        try {
            Process probe = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            assertThat(probe.waitFor(30, TimeUnit.SECONDS)).isTrue();
            String printed = Files.readString(out, StandardCharsets.UTF_8);
            assertThat(probe.exitValue()).as(printed).isZero();
            assertThat(printed).contains("unavailable: bpf(BPF_MAP_CREATE, SOCKHASH): not permitted: splicing needs CAP_BPF and CAP_NET_ADMIN");
        } finally {
            Files.delete(out);
        }
    }
}
