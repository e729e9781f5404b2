package asys.modelcheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A suite file: one TLC run per line, {@code name config fault expectation}, where the
 * expectation is {@code pass}, {@code reject <Property>} (a broken variant, rejected by exactly
 * that invariant or property) or {@code reach <Witness>} (the healthy spec reaches the situation:
 * TLC must find the witness's {@code Unreached_...} invariant false). {@code #} starts a comment.
 * A line {@code include FILE} reads the rows of another suite file (relative to this one's
 * directory) in its place, so that suites share their common rows.
 */
public final class Suite {

    /** What a row expects of TLC. */
    public enum Kind { PASS, REJECT, REACH }

    /** One row: a config derived from {@code config}, with constant Fault set to {@code fault}. */
    public record Row(String name, String config, String fault, Kind kind, String property, int line) {
        public String expectation() {
            return switch (kind) {
                case PASS -> "pass";
                case REJECT -> "reject " + property;
                case REACH -> "reach " + property;
            };
        }
        public boolean isVariant() { return kind == Kind.REJECT; }
    }

    private Suite() {}

    public static List<Row> read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new IllegalArgumentException("suite file not found: " + file);
        return parse(file.toString(), Files.readString(file), file.toAbsolutePath().getParent(), new ArrayList<>());
    }

    public static List<Row> parse(String fileName, String text) {
        return parse(fileName, text, null, new ArrayList<>());
    }

    /** {@code including}: the files being read, outermost first (an include cycle is an error). */
    private static List<Row> parse(String fileName, String text, Path dir, List<String> including) {
        if (including.contains(fileName)) throw new IllegalArgumentException(fileName + ": included by itself (" + including + ")");
        including.add(fileName);
        List<Row> rows = new ArrayList<>();
        String[] lines = text.split("\\R");
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int hash = line.indexOf('#');
            if (hash >= 0) line = line.substring(0, hash);
            if (line.isBlank()) continue;
            String[] f = line.strip().split("\\s+");
            if (f[0].equals(Coverage.DIRECTIVE)) continue;   // the coverage gate's line: see Coverage
            String where = fileName + ":" + (i + 1) + ": ";
            if (f[0].equals("include")) {
                if (f.length != 2) throw new IllegalArgumentException(where + "'include' takes one suite file");
                if (dir == null) throw new IllegalArgumentException(where + "'include' needs the suite read from a file");
                Path other = dir.resolve(f[1]);
                if (!Files.isRegularFile(other)) throw new IllegalArgumentException(where + "included suite not found: " + other);
                List<Row> included;
                try {
                    included = parse(other.toString(), Files.readString(other), other.getParent(), including);
                } catch (IOException e) {
                    throw new IllegalArgumentException(where + "cannot read " + other + ": " + e.getMessage(), e);
                }
                for (Row r : included) {
                    for (Row q : rows) {
                        if (q.name().equals(r.name())) throw new IllegalArgumentException(where + "duplicate name '" + r.name() + "' (from " + other + ")");
                    }
                    rows.add(r);
                }
                continue;
            }
            if (f.length < 4) {
                throw new IllegalArgumentException(where + "expected 'name config fault expectation', got '" + line.strip() + "'");
            }
            Kind kind;
            String property = "";
            switch (f[3]) {
                case "pass" -> {
                    kind = Kind.PASS;
                    if (f.length != 4) throw new IllegalArgumentException(where + "'pass' takes no argument");
                }
                case "reject", "reach" -> {
                    kind = f[3].equals("reject") ? Kind.REJECT : Kind.REACH;
                    if (f.length != 5) throw new IllegalArgumentException(where + "'" + f[3] + "' takes one property name");
                    property = f[4];
                }
                default -> throw new IllegalArgumentException(where + "unknown expectation '" + f[3]
                        + "' (use pass, reject <Property> or reach <Witness>)");
            }
            if (!f[1].endsWith(".cfg")) throw new IllegalArgumentException(where + "config '" + f[1] + "' is not a .cfg file");
            for (Row r : rows) {
                if (r.name().equals(f[0])) throw new IllegalArgumentException(where + "duplicate name '" + f[0] + "'");
            }
            rows.add(new Row(f[0], f[1], f[2], kind, property, i + 1));
        }
        including.remove(including.size() - 1);
        if (rows.isEmpty()) throw new IllegalArgumentException(fileName + ": no runs listed");
        return rows;
    }
}
