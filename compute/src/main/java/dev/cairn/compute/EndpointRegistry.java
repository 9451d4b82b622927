package dev.cairn.compute;

import dev.cairn.common.AtomicFile;

import dev.cairn.compute.api.EndpointDefinition;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        try {
            AtomicFile.write(file, JSON.writeValueAsBytes(endpoints));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write endpoint registry " + file, e);
        }
    }
}
