package dev.cairn.proxy.auth;

import dev.cairn.compute.api.ScramCrypto;
import dev.cairn.compute.api.ScramVerifier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScramExchangeTest {

    private static ScramKeys keysFor(String password, ScramVerifier v) {
        byte[] salted = ScramCrypto.saltedPassword(password, v.salt(), v.iterations());
        return new ScramKeys(ScramCrypto.hmac(salted, "Client Key"), ScramCrypto.hmac(salted, "Server Key"));
    }

    @Test
    void verifierRoundTripsThroughPostgresFormat() {
        ScramVerifier v = ScramVerifier.fromPassword("pw", 4096);
        ScramVerifier parsed = ScramVerifier.parse(v.encode());
        assertThat(parsed.encode()).isEqualTo(v.encode());
        assertThat(v.encode()).startsWith("SCRAM-SHA-256$4096:");
    }

    @Test
    void rightPasswordAuthenticatesAndYieldsTheClientKey() {
        ScramVerifier v = ScramVerifier.fromPassword("pw", 4096);
        ScramKeys keys = keysFor("pw", v);
        ScramClientExchange client = new ScramClientExchange(keys);
        ScramServerExchange server = new ScramServerExchange(v);
        String serverFirst = server.serverFirst(client.clientFirst());
        ScramServerExchange.Result result = server.serverFinal(client.clientFinal(serverFirst));
        client.verifyServerFinal(result.serverFinal());
        assertThat(result.keys().clientKey()).isEqualTo(keys.clientKey());
    }

    @Test
    void wrongPasswordAndUnknownRoleFailAlike() {
        ScramVerifier v = ScramVerifier.fromPassword("pw", 4096);
        ScramClientExchange client = new ScramClientExchange(keysFor("wrong", v));
        ScramServerExchange server = new ScramServerExchange(v);
        String clientFinal = client.clientFinal(server.serverFirst(client.clientFirst()));
        assertThatThrownBy(() -> server.serverFinal(clientFinal))
                .isInstanceOfSatisfying(ScramException.class, e -> assertThat(e.authenticationFailed()).isTrue());

        ScramServerExchange unknown = new ScramServerExchange(null);
        ScramClientExchange client2 = new ScramClientExchange(keysFor("pw", v));
        String final2 = client2.clientFinal(unknown.serverFirst(client2.clientFirst()));
        assertThatThrownBy(() -> unknown.serverFinal(final2))
                .isInstanceOfSatisfying(ScramException.class, e -> assertThat(e.authenticationFailed()).isTrue());
    }

    @Test
    void channelBindingIsRefusedAsProtocolViolation() {
        ScramServerExchange server = new ScramServerExchange(ScramVerifier.fromPassword("pw", 4096));
        assertThatThrownBy(() -> server.serverFirst("p=tls-server-end-point,,n=,r=abc"))
                .isInstanceOfSatisfying(ScramException.class, e -> assertThat(e.authenticationFailed()).isFalse());
    }
}
