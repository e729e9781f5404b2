package asys.conformance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Reads a JQF campaign's results directory and prints one line,
 * {@code fuzz: N executions, F failures, R execs/s}, then the command that reproduces each
 * failure. Exits 1 when there is a failure, 2 when the directory is not a JQF result.
 * Usage: FuzzSummary RESULTS_DIR CLASS METHOD.
 */
public final class FuzzSummary {

    private FuzzSummary() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: FuzzSummary RESULTS_DIR CLASS METHOD");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Path plot = dir.resolve("plot_data");
        if (!Files.isRegularFile(plot)) {
            System.err.println("fuzz: no JQF results in " + dir + " (no plot_data): did the campaign run?");
            System.exit(2);
        }
        List<String> rows = Files.readAllLines(plot).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        if (rows.isEmpty()) {
            System.err.println("fuzz: " + plot + " has no data rows");
            System.exit(2);
        }
        String[] first = rows.get(0).split(",\\s*"), last = rows.get(rows.size() - 1).split(",\\s*");
        // columns: unix_time, ..., valid_inputs (11), invalid_inputs (12), ...
        long executions = Long.parseLong(last[11]) + Long.parseLong(last[12]);
        long seconds = Math.max(1, Long.parseLong(last[0]) - Long.parseLong(first[0]));
        List<Path> failures;
        Path failDir = dir.resolve("failures");
        try (Stream<Path> s = Files.isDirectory(failDir) ? Files.list(failDir) : Stream.empty()) {
            failures = s.filter(Files::isRegularFile).sorted().toList();
        }
        System.out.printf("fuzz: %d executions, %d failures, %.0f execs/s%n", executions, failures.size(), (double) executions / seconds);
        for (Path f : failures) {
            System.out.printf("  reproduce: mvn -pl property-tests jqf:repro -Dclass=%s -Dmethod=%s -Dinput=%s%n",
                    args[1], args[2], f.toAbsolutePath());
        }
        System.exit(failures.isEmpty() ? 0 : 1);
    }
}
