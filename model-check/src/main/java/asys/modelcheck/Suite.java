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
        return parse(file.toString(), Files.readString(file));
    }

    public static List<Row> parse(String fileName, String text) {
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
        if (rows.isEmpty()) throw new IllegalArgumentException(fileName + ": no runs listed");
        return rows;
    }
}
