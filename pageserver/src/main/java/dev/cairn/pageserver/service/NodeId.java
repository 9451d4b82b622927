package dev.cairn.pageserver.service;

import dev.cairn.common.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The stable identity of a pageserver data directory, as its WAL consumer name at the safekeepers. It must
 * survive restarts: safekeepers keep WAL until every consumer they know has it durable, so a consumer
 * that renamed itself would pin WAL forever.
 */
public final class NodeId {
    private static final String FILE = "node-id";

    private NodeId() {
    }

    public static String readOrCreate(Path dataDir) {
        Path file = dataDir.resolve(FILE);
        try {
            if (Files.exists(file)) {
                String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
                if (!id.matches("[0-9a-f]{16}")) {
                    throw new IllegalStateException("node id file " + file + " is damaged: expected 16 hex digits");
                }
                return id;
            }
            byte[] raw = new byte[8];
            new SecureRandom().nextBytes(raw);
            String id = HexFormat.of().formatHex(raw);
            AtomicFile.write(file, (id + "\n").getBytes(StandardCharsets.US_ASCII));
            return id;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create " + file, e);
        }
    }
}
