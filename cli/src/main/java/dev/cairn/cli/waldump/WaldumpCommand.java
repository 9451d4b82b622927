package dev.cairn.cli.waldump;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.MinimalPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cairn.common.Lsn;
import dev.cairn.pgformat.wal.DecodedRecord;
import dev.cairn.pgformat.wal.WalFormatException;
import dev.cairn.pgformat.wal.WalReader;
import dev.cairn.pgformat.wal.WalSegmentName;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code cairn waldump}: our WAL decoder with output a pg_waldump user reads naturally. */
@Command(name = "waldump", mixinStandardHelpOptions = true,
        description = {"Decode PostgreSQL WAL segment files with Cairn's decoder.",
                "Output follows pg_waldump; --json prints one object per record."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:WAL read to its end (or to --end)", "1:files cannot be read",
                "2:bad arguments", "3:corrupt WAL (the error names the LSN)"})
public final class WaldumpCommand implements Callable<Integer> {
    static final int EXIT_IO = 1;
    static final int EXIT_CORRUPT = 3;

    @Parameters(arity = "1..*", paramLabel = "FILE|DIR",
            description = "WAL segment files, or one directory such as pg_wal (all its segments of the first timeline).")
    List<Path> inputs;

    @Option(names = {"-s", "--start"}, paramLabel = "LSN", description = "Start reading at this record (or page) boundary.")
    String start;

    @Option(names = {"-e", "--end"}, paramLabel = "LSN", description = "Stop before records that end after this LSN.")
    String end;

    @Option(names = "--json", description = "One JSON object per record (with --stats: one summary object).")
    boolean json;

    @Option(names = {"-z", "--stats"}, description = "Show per-rmgr statistics instead of records.")
    boolean stats;

    @Option(names = {"-b", "--bkp-details"}, description = "One line per block reference with image details.")
    boolean blockDetails;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "Stop after N records.")
    Long limit;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Lsn startLsn = parseLsn("--start", start);
        Lsn endLsn = parseLsn("--end", end);
        if (limit != null && limit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--limit must not be negative");
        }
        List<Path> files = segmentFiles();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        WalStatistics statistics = new WalStatistics();
        JsonGenerator json = this.json && !stats ? jsonLines(out) : null;
        long count = 0;
        int exit = 0;
        try (WalReader reader = WalReader.open(files, startLsn, endLsn)) {
            if (startLsn != null && !holdsStart(files, reader.segmentSize(), startLsn)) {
                err.println("cairn waldump: no given segment file holds start LSN " + startLsn);
                return EXIT_IO;
            }
            DecodedRecord r;
            while ((limit == null || count < limit) && (r = reader.next()) != null) {
                count++;
                if (stats) {
                    statistics.add(r);
                } else if (json != null) {
                    WaldumpJsonFormat.write(json, r);
                } else {
                    out.println(WaldumpTextFormat.format(r, blockDetails));
                }
            }
        } catch (WalFormatException e) {
            if (e.isEndOfWal()) {
                err.println("cairn waldump: end of WAL at " + e.lsn() + ": " + e.detail());
            } else {
                err.println("cairn waldump: error in WAL at " + e.lsn() + " (" + e.reason() + "): " + e.detail());
                exit = EXIT_CORRUPT;
            }
        } catch (UncheckedIOException e) {
            err.println("cairn waldump: " + e.getMessage() + ": " + e.getCause().getMessage());
            exit = EXIT_IO;
        } finally {
            if (json != null) {
                json.flush();
            }
        }
        if (stats) {
            printStats(out, statistics);
        }
        out.flush();
        return exit;
    }

    /** A generator for JSON Lines: records are separated by the newline each one ends with, nothing else. */
    private static JsonGenerator jsonLines(PrintWriter out) throws IOException {
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.setPrettyPrinter(new MinimalPrettyPrinter(""));
        return g;
    }

    private void printStats(PrintWriter out, WalStatistics statistics) throws IOException {
        if (!json) {
            out.print(statistics.render());
            return;
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("rmgrs", statistics.rows());
        doc.put("total", statistics.total());
        out.println(new ObjectMapper().writeValueAsString(doc));
    }

    private Lsn parseLsn(String option, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Lsn.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "invalid " + option + ": " + e.getMessage());
        }
    }

    private List<Path> segmentFiles() {
        if (inputs.size() == 1 && Files.isDirectory(inputs.get(0))) {
            try {
                return WalReader.listSegments(inputs.get(0));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        List<Path> files = new ArrayList<>();
        for (Path p : inputs) {
            if (!Files.isRegularFile(p)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "no such WAL file: " + p);
            }
            if (!WalSegmentName.looksLikeSegment(p.getFileName().toString())) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "not a WAL segment file name (24 hex digits expected): " + p.getFileName());
            }
            files.add(p);
        }
        return files;
    }

    private static boolean holdsStart(List<Path> files, int segmentSize, Lsn start) {
        long wanted = Long.divideUnsigned(start.value(), segmentSize);
        return files.stream().anyMatch(f ->
                WalSegmentName.parse(f.getFileName().toString(), segmentSize).segmentNumber() == wanted);
    }
}
