package dev.cairn.cli.proxy;

import dev.cairn.cli.CairnCommand;
import dev.cairn.compute.api.ScramVerifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyCommandTest {

    @Test
    void servesTheEndpointsFileAndAnswersUnknownEndpointsWith3D000(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("endpoints.json");
        Files.writeString(file, """
                {"endpoints": [{"name": "main", "backend": "127.0.0.1:1", "maxConnections": 3,
                  "roles": {"app": "%s"}}]}
                """.formatted(ScramVerifier.fromPassword("pw", 4096).encode()));
        StringWriter out = new StringWriter();
        var cmd = CairnCommand.commandLine();
        cmd.setOut(new PrintWriter(out, true));
        Thread runner = new Thread(() -> cmd.execute("proxy", "--listen", "127.0.0.1:0", "--endpoints", file.toString(), "--allow-plaintext"));
        runner.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Matcher m;
        while (!(m = Pattern.compile("listening on 127.0.0.1:(\\d+)").matcher(out.toString())).find()) {
            assertThat(System.nanoTime()).as("proxy did not start: " + out).isLessThan(deadline);
            Thread.sleep(20);
        }
        int port = Integer.parseInt(m.group(1));
        try (Socket s = new Socket("127.0.0.1", port)) {
            s.setSoTimeout(10_000);
            byte[] params = "user\0app\0options\0endpoint=other\0\0".getBytes(StandardCharsets.US_ASCII);
            var o = new java.io.DataOutputStream(s.getOutputStream());
            o.writeInt(8 + params.length);
            o.writeInt(3 << 16);
            o.write(params);
            DataInputStream in = new DataInputStream(s.getInputStream());
            assertThat(in.readByte()).isEqualTo((byte) 'E');
            byte[] body = new byte[in.readInt() - 4];
            in.readFully(body);
            assertThat(new String(body, StandardCharsets.UTF_8)).contains("C3D000").contains("endpoint \"other\" does not exist");
        } finally {
            runner.interrupt();
            runner.join(10_000);
        }
        assertThat(runner.isAlive()).isFalse();
    }

    @Test
    void aNonPositiveEventLoopCountIsAUsageError(@TempDir Path dir) {
        StringWriter err = new StringWriter();
        var cmd = CairnCommand.commandLine();
        cmd.setErr(new PrintWriter(err, true));
        int exit = cmd.execute("proxy", "--listen", "127.0.0.1:0", "--endpoints", dir.resolve("e.json").toString(),
                "--event-loops", "0");
        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("--event-loops must be at least 1, got 0");
    }
}
