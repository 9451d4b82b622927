package dev.cairn.pageserver.service;

import dev.cairn.common.AtomicFile;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.common.Id128;
import dev.cairn.common.TimelineKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The timelines this pageserver serves, in a small JSON file written crash-safe (temp, fsync, rename), so a
 * restart reopens and resumes ingest for each. The timelines' data itself lives in the page store.
 */
final class TimelineRegistry {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    TimelineRegistry(Path file) {
        this.file = file;
    }

    List<TimelineKey> load() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            List<String> ids = JSON.readValue(file.toFile(), new TypeReference<List<String>>() {
            });
            List<TimelineKey> keys = new ArrayList<>();
            for (String id : ids) {
                String[] parts = id.split("/");
                keys.add(new TimelineKey(Id128.parse(parts[0]), Id128.parse(parts[1])));
            }
            return keys;
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("timeline registry " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    void save(List<TimelineKey> keys) {
        List<String> ids = keys.stream().map(k -> k.tenant() + "/" + k.timeline()).toList();
        try {
            AtomicFile.write(file, JSON.writeValueAsBytes(ids));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write timeline registry " + file, e);
        }
    }
}
