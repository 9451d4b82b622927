package dev.cairn.cli.keys;

import dev.cairn.kms.audit.AuditEvent;
import dev.cairn.kms.audit.AuditLog;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/** {@code cairn keys audit [--tenant T] [--limit N] [--follow]}. */
@Command(name = "audit", mixinStandardHelpOptions = true,
        description = "Show the key audit log (one event per wrap, unwrap, rotation, revocation, restore).")
final class KeysAuditCommand extends KeysSubcommand {
    @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant's events.")
    String tenant;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "Only the last N events.")
    Integer limit;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new events as they are written (Ctrl-C to stop).")
    boolean follow;

    @Option(names = "--follow-idle-exit", hidden = true, paramLabel = "DURATION",
            description = "With --follow: stop after this long without new events (ISO-8601, e.g. PT2S).")
    Duration idleExit;

    @Override
    int run(KeysSession session) throws Exception {
        if (tenant != null) {
            tenant(tenant);
        }
        if (limit != null && limit < 0) {
            throw new BadArgumentException("--limit must be >= 0");
        }
        Path file = session.layout.auditLog();
        long offset = 0;
        Deque<String> last = new ArrayDeque<>();
        if (Files.exists(file)) {
            byte[] all = Files.readAllBytes(file);
            int end = lastNewline(all);
            for (String line : new String(all, 0, end, StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank() && matches(line)) {
                    last.addLast(line);
                    if (limit != null && last.size() > limit) {
                        last.removeFirst();
                    }
                }
            }
            offset = end;
        }
        last.forEach(this::print);
        out().flush();
        if (!follow) {
            return KeysExitCodes.OK;
        }
        long idleSince = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (size > offset) {
                byte[] chunk = read(file, offset, size);
                int end = lastNewline(chunk);
                for (String line : new String(chunk, 0, end, StandardCharsets.UTF_8).split("\n")) {
                    if (!line.isBlank() && matches(line)) {
                        print(line);
                    }
                }
                out().flush();
                offset += end;
                idleSince = System.nanoTime();
            } else if (idleExit != null && System.nanoTime() - idleSince > idleExit.toNanos()) {
                break;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return KeysExitCodes.OK;
    }

    private boolean matches(String line) {
        return tenant == null || tenant.equals(AuditLog.parse(line).tenant());
    }

    private void print(String line) {
        if (options.json) {
            out().println(line);
            return;
        }
        AuditEvent e = AuditLog.parse(line);
        out().printf("%s %-13s %-11s %-10s %-30s %s%s%n", e.time(), e.operation(), e.outcome(), e.tenant(), e.keyRef(),
                e.caller(), e.detail() == null ? "" : "  " + e.detail());
    }

    private static int lastNewline(byte[] b) {
        for (int i = b.length - 1; i >= 0; i--) {
            if (b[i] == '\n') {
                return i + 1;
            }
        }
        return 0;
    }

    private static byte[] read(Path file, long from, long to) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            byte[] b = new byte[(int) (to - from)];
            f.seek(from);
            f.readFully(b);
            return b;
        }
    }
}
