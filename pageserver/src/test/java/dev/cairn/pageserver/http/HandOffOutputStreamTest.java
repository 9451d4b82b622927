package dev.cairn.pageserver.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(30)
class HandOffOutputStreamTest {

    @Test
    void everyByteArrivesInOrderByTheTimeCloseReturns() throws IOException {
        byte[] data = new byte[1_000_003];
        new Random(7).nextBytes(data);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        try (HandOffOutputStream out = new HandOffOutputStream(sink, 4096, 2, "test-writer")) {
            int at = 0;
            Random sizes = new Random(11);
            while (at < data.length) {
                int n = Math.min(data.length - at, sizes.nextInt(10_000));
                out.write(data, at, n);
                at += n;
                if (sizes.nextInt(50) == 0) {
                    out.flush(); // a partial buffer handed off early must not be lost or reordered
                }
            }
            out.write(42);
        }
        byte[] expected = java.util.Arrays.copyOf(data, data.length + 1);
        expected[data.length] = 42;
        assertThat(sink.toByteArray()).isEqualTo(expected);
    }

    @Test
    void aFailingWriterFailsTheProducerInsteadOfLosingBytesSilently() {
        OutputStream brokenSocket = new OutputStream() {
            private long taken;

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                taken += len;
                if (taken > 10_000) {
                    throw new IOException("Broken pipe");
                }
            }
        };
        assertThatThrownBy(() -> {
            try (HandOffOutputStream out = new HandOffOutputStream(brokenSocket, 1024, 2, "test-writer")) {
                byte[] chunk = new byte[1000];
                for (int i = 0; i < 10_000; i++) { // far more than the queue holds: the producer must be stopped
                    out.write(chunk);
                }
            }
        }).isInstanceOf(IOException.class).hasMessageContaining("Broken pipe");
    }
}
