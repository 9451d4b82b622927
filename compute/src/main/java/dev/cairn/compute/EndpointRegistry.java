package dev.cairn.compute;

import dev.cairn.compute.api.EndpointDefinition;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/** The registered endpoints, in endpoints.json, written crash-safe (temp, fsync, rename). */
final class EndpointRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    EndpointRegistry(Path file) {
        this.file = file;
    }

    List<EndpointDefinition> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return JSON.readValue(file.toFile(), new TypeReference<List<EndpointDefinition>>() {
            });
        } catch (IOException e) {
            throw new UncheckedIOException("endpoint registry " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    void save(List<EndpointDefinition> endpoints) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            Files.write(tmp, JSON.writeValueAsBytes(endpoints));
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write endpoint registry " + file, e);
        }
    }
}
