package asys.modelcheck;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * A run's result kept for another suite that lists the same row ({@code --reuse DIR}): CI runs
 * {@code make check}, then {@code make test}, whose fast model check shares its variants and
 * witnesses with check; those are not run twice. A result is reused only when its key matches:
 * a digest of every module of the spec, the root module's name, the exact config TLC ran, the
 * row's Fault and expectation, TLC's extra flags, and TLC's jar. The run's directory keeps the
 * key ({@code reuse.key}) beside TLC's raw output, which a reuse reads back and judges again.
 */
final class Reuse {

    static final String FILE = "reuse.key";

    private Reuse() {}

    /** The key of a row's run. */
    static String key(Path spec, String module, String config, Suite.Row row, List<String> extra, Path jar) throws IOException {
        MessageDigest d;
        try {
            d = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        List<Path> modules;
        try (Stream<Path> s = Files.list(spec)) {
            modules = s.filter(p -> p.toString().endsWith(".tla")).sorted().toList();
        }
        for (Path m : modules) {
            d.update(m.getFileName().toString().getBytes(StandardCharsets.UTF_8));
            d.update(Files.readAllBytes(m));
        }
        String rest = String.join("\n", module, config, row.fault(), row.expectation(), String.join(" ", extra),
                jar.getFileName().toString(), String.valueOf(Files.size(jar)));
        d.update(rest.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(d.digest());
    }

    /** Writes the key, the exit code and the time of a finished run into its directory. */
    static void record(Path dir, String key, Main.TlcRun run) throws IOException {
        Files.writeString(dir.resolve(FILE), key + "\n" + run.exitCode() + "\n" + String.format(Locale.ROOT, "%.3f", run.seconds()) + "\n");
    }

    /** The run kept in {@code dir} when its key is {@code key}, read back from its raw output; else null. */
    static Main.TlcRun find(Path dir, String key) throws IOException {
        Path k = dir.resolve(FILE), raw = dir.resolve("tlc.out");
        if (!Files.isRegularFile(k) || !Files.isRegularFile(raw)) return null;
        List<String> lines = Files.readAllLines(k);
        if (lines.size() < 3 || !lines.get(0).equals(key)) return null;
        int exit;
        double seconds;
        try {
            exit = Integer.parseInt(lines.get(1).strip());
            seconds = Double.parseDouble(lines.get(2).strip());
        } catch (NumberFormatException e) {
            return null;
        }
        String output = Files.readString(raw);
        return new Main.TlcRun(TlcOutput.parse(output, exit), seconds, Coverage.parse(output), exit);
    }
}
