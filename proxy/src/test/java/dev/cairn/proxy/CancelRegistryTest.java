package dev.cairn.proxy;

import dev.cairn.compute.api.BackendAddress;
import dev.cairn.proxy.protocol.CancelKey;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class CancelRegistryTest {
    private final CancelRegistry registry = new CancelRegistry();

    @Test
    void clientKeyCarriesTheBackendsProcessIdButNotItsSecret() {
        CancelKey compute = new CancelKey(4242, 0x1234_5678);
        CancelRegistry.CancelTarget target = new CancelRegistry.CancelTarget("ep1", address(), compute);
        CancelKey client = registry.register(target);
        assertThat(client.processId()).isEqualTo(4242);
        assertThat(client.secretKey()).isNotEqualTo(compute.secretKey());
        assertThat(registry.find(client)).contains(target);
        assertThat(registry.find(compute)).as("the compute's own key").isEmpty();
    }

    @Test
    void sameProcessIdOnTwoComputesGetsTwoKeysThatFindTheirOwnTarget() {
        Set<CancelKey> keys = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            CancelRegistry.CancelTarget target = new CancelRegistry.CancelTarget("ep" + i, address(), new CancelKey(77, i));
            CancelKey key = registry.register(target);
            assertThat(keys.add(key)).isTrue();
            assertThat(registry.find(key)).contains(target);
        }
        assertThat(registry.size()).isEqualTo(1000);
    }

    private static BackendAddress address() {
        return new BackendAddress("127.0.0.1", 5432);
    }
}
