package dev.cairn.kms.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.common.Id128;
import dev.cairn.common.AtomicFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Appends audit events as JSON lines to one file (O_APPEND, so lines from several processes do not
 * interleave). Audit failures are logged, never thrown: they must not take data access down.
 */
public final class AuditLog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final String caller;
    private final InstantSource clock;
    private FileChannel channel;

    public AuditLog(Path file, String caller, InstantSource clock) {
        this.file = file;
        this.caller = caller;
        this.clock = clock;
    }

    public Path file() {
        return file;
    }

    public void record(AuditOperation op, Id128 tenant, String keyRef, AuditOutcome outcome, String detail) {
        AuditEvent e = new AuditEvent(clock.instant().toString(), tenant == null ? null : tenant.toString(), keyRef, op,
                outcome, caller, detail);
        try {
            append((JSON.writeValueAsString(e) + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException ex) {
            LOG.error("cannot write audit event {} to {}: {}", e, file, ex.toString());
        }
    }

    private synchronized void append(byte[] line) throws IOException {
        if (channel == null) {
            AtomicFile.createPrivateDirectories(file.toAbsolutePath().getParent());
            channel = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND), AtomicFile.privateFile());
        }
        ByteBuffer buf = ByteBuffer.wrap(line);
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** Parses one audit line. */
    public static AuditEvent parse(String line) {
        try {
            return JSON.readValue(line, AuditEvent.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not an audit line: " + line, e);
        }
    }

    /** Every event in the file (empty if none). */
    public static List<AuditEvent> readAll(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<AuditEvent> out = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) {
                    out.add(parse(line));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.force(true);
                channel.close();
            } catch (IOException e) {
                LOG.warn("closing audit log {}: {}", file, e.toString());
            }
            channel = null;
        }
    }
}
