package dev.cairn.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Where a benchmark's figures go: one indented JSON file per benchmark under the results directory. */
final class BenchResults {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private BenchResults() {
    }

    /** Writes {@code result} to {@code resultsDir/fileName}; returns the file. */
    static Path write(Path resultsDir, String fileName, Map<String, Object> result) throws IOException {
        Files.createDirectories(resultsDir);
        Path out = resultsDir.resolve(fileName);
        JSON.writeValue(out.toFile(), result);
        return out;
    }

    /** {@link #write}, then prints the figures and where they went. */
    static void writeAndPrint(Path resultsDir, String fileName, Map<String, Object> result) throws IOException {
        Path out = write(resultsDir, fileName, result);
        System.out.println(JSON.writeValueAsString(result));
        System.out.println("-> " + out);
    }
}
