package dev.cairn.proxy.endpoint;

import dev.cairn.proxy.protocol.ProxyException;
import dev.cairn.proxy.protocol.SqlState;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EndpointSelectorTest {

    @Test
    void everyOptionsFormSelectsAndIsStripped() {
        assertThat(EndpointSelector.select(null, "endpoint=ep1")).isEqualTo(new EndpointSelector.Selection("ep1", ""));
        assertThat(EndpointSelector.select(null, "-c endpoint=ep1 -c work_mem=64MB"))
                .isEqualTo(new EndpointSelector.Selection("ep1", "-c work_mem=64MB"));
        assertThat(EndpointSelector.select(null, "-cendpoint=ep1")).isEqualTo(new EndpointSelector.Selection("ep1", ""));
        assertThat(EndpointSelector.select(null, "--endpoint=ep1 -c search_path=a\\ b"))
                .isEqualTo(new EndpointSelector.Selection("ep1", "-c search_path=a\\ b"));
    }

    @Test
    void sniFirstLabelSelectsUnlessAnIpOrSingleLabel() {
        assertThat(EndpointSelector.select("ep2.proxy.example.com", null).endpoint()).isEqualTo("ep2");
        assertThat(EndpointSelector.sniEndpoint("127.0.0.1")).isNull();
        assertThat(EndpointSelector.sniEndpoint("localhost")).isNull();
        assertThat(EndpointSelector.select("ep2.localhost", "endpoint=ep2").endpoint()).isEqualTo("ep2");
    }

    @Test
    void missingOrConflictingEndpointIsRefusedWith08004() {
        assertThatThrownBy(() -> EndpointSelector.select("localhost", "-c work_mem=1MB"))
                .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.sqlState()).isEqualTo(SqlState.SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION));
        assertThatThrownBy(() -> EndpointSelector.select("a.localhost", "endpoint=b"))
                .isInstanceOfSatisfying(ProxyException.class, e -> assertThat(e.sqlState()).isEqualTo(SqlState.SQLSERVER_REJECTED_ESTABLISHMENT_OF_SQLCONNECTION));
    }
}
