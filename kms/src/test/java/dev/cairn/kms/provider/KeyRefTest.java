package dev.cairn.kms.provider;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyRefTest {
    @Test
    void parsesEveryScheme() {
        KeyRef aws = KeyRef.parse("aws-kms://arn:aws:kms:us-east-1:111122223333:key/abcd?endpoint=http://127.0.0.1:4566");
        assertThat(aws.scheme()).isEqualTo("aws-kms");
        assertThat(aws.resource()).isEqualTo("arn:aws:kms:us-east-1:111122223333:key/abcd");
        assertThat(aws.param("endpoint")).contains("http://127.0.0.1:4566");
        assertThat(KeyRef.parse(aws.toString())).isEqualTo(aws);

        KeyRef az = KeyRef.parse("azure-kv://myvault.vault.azure.net/keys/cmk/0123");
        assertThat(az.resource()).isEqualTo("myvault.vault.azure.net/keys/cmk/0123");
        KeyRef gcp = KeyRef.parse("gcp-kms://projects/p/locations/global/keyRings/r/cryptoKeys/k");
        assertThat(gcp.scheme()).isEqualTo("gcp-kms");
        assertThat(KeyRef.parse("local://default")).isEqualTo(KeyRef.local("default"));
    }

    @Test
    void rejectsMalformed() {
        assertThatThrownBy(() -> KeyRef.parse("default")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SCHEME://");
        assertThatThrownBy(() -> KeyRef.parse("local://")).isInstanceOf(IllegalArgumentException.class);
    }
}
