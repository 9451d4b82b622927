package dev.cairn.httpserver;

import dev.cairn.httpapi.ApiError;
import org.junit.jupiter.api.Test;

import java.io.UncheckedIOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorTableTest {
    static class NotFound extends RuntimeException {
        NotFound(String m) {
            super(m);
        }
    }

    static class Revoked extends RuntimeException {
        Revoked(String m) {
            super(m);
        }
    }

    final ErrorTable table = new ErrorTable()
            .unwrapping(ExecutionException.class, CompletionException.class)
            .map(NotFound.class, 404, "not_found")
            .causedBy(Revoked.class, 403, "revoked")
            .map(IllegalStateException.class, 409, "conflict")
            .map(RuntimeException.class, 503, "unavailable");

    @Test
    void theFirstMatchingRowAnswersWithTheExceptionsMessage() {
        assertThat(table.apply(new NotFound("no such thing"))).extracting(ApiError::status, ApiError::code, ApiError::getMessage)
                .containsExactly(404, "not_found", "no such thing");
        // IllegalStateException is also a RuntimeException: the earlier row wins
        assertThat(table.apply(new IllegalStateException("busy")).status()).isEqualTo(409);
        assertThat(table.apply(new UnsupportedOperationException("x")).code()).isEqualTo("unavailable");
    }

    @Test
    void aCauseChainRowLooksThroughCauses() {
        ApiError e = table.apply(new UncheckedIOException("read failed", new java.io.IOException("io", new Revoked("key gone"))));
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.getMessage()).isEqualTo("key gone");
        // a plain row does not: a NotFound behind a cause is not a 404
        assertThat(table.apply(new IllegalArgumentException("wrapped", new NotFound("x"))).status()).isEqualTo(503);
    }

    @Test
    void wrappersAreLookedThroughAndTheRestIsInternal() {
        assertThat(table.apply(new ExecutionException(new CompletionException(new NotFound("deep")))).getMessage()).isEqualTo("deep");
        ApiError internal = table.apply(new Exception("checked"));
        assertThat(internal.status()).isEqualTo(500);
        assertThat(internal.code()).isEqualTo("internal");
    }
}
