package asys.modelcheck;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One TLC run in a child process (TLC calls System.exit), in a directory of its own that holds
 * copies of the spec's modules, the config, the command ({@code command.txt}) and TLC's raw
 * output ({@code tlc.out}). Progress lines are passed on as they come.
 */
final class TlcProcess {

    record Result(String output, int exitCode, double seconds) {}

    /** A seconds threshold after which TLC's progress lines are shown as they come. */
    static final double SHOW_PROGRESS_AFTER_S = 2.0;

    private TlcProcess() {}

    /** Fresh run directory: the modules of {@code spec} copied in, plus {@code files} (name, text). */
    static void prepare(Path dir, Path spec, List<String[]> files) throws IOException {
        deleteTree(dir);
        Files.createDirectories(dir);
        try (Stream<Path> modules = Files.list(spec)) {
            for (Path m : modules.filter(p -> p.toString().endsWith(".tla")).toList()) {
                Files.copy(m, dir.resolve(m.getFileName()));
            }
        }
        for (String[] f : files) Files.writeString(dir.resolve(f[0]), f[1]);
    }

    /** The JVM options of a model-checking run: long, parallel, memory-hungry. */
    static final List<String> MODEL_CHECKING_JVM = List.of("-XX:+UseParallelGC");

    static Result run(Path dir, String cfgName, String module, Path jar, String workers, List<String> extra,
                      String label, PrintStream err) throws IOException {
        return run(dir, cfgName, module, List.of(jar), MODEL_CHECKING_JVM, workers, extra, label, err);
    }

    /** A TLC run with {@code classpath} (TLC's jar first) and the given JVM options. */
    static Result run(Path dir, String cfgName, String module, List<Path> classpath, List<String> jvm, String workers,
                      List<String> extra, String label, PrintStream err) throws IOException {
        // Each run its own temporary directory: TLC extracts its standard modules (Naturals.tla,
        // ...) there, and two runs started together would read each other's half-written files.
        Path tmp = dir.resolve("tmp").toAbsolutePath();
        Files.createDirectories(tmp);
        List<String> cp = new ArrayList<>();
        for (Path p : classpath) cp.add(p.toAbsolutePath().toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvm);
        cmd.addAll(List.of("-Djava.io.tmpdir=" + tmp, "-cp", String.join(java.io.File.pathSeparator, cp), "tlc2.TLC", "-tool",
                "-workers", workers, "-metadir", "states", "-config", cfgName));
        cmd.addAll(extra);
        cmd.add(module + ".tla");
        Files.writeString(dir.resolve("command.txt"), "cd " + dir + " && " + String.join(" ", cmd) + "\n");
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        StringBuilder all = new StringBuilder();
        boolean inProgress = false;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             Writer raw = Files.newBufferedWriter(dir.resolve("tlc.out"))) {
            String line;
            while ((line = in.readLine()) != null) {
                raw.write(line);
                raw.write('\n');
                all.append(line).append('\n');
                if (line.startsWith("@!@!@STARTMSG " + TlcOutput.PROGRESS + ":")) {
                    inProgress = true;
                } else if (inProgress) {
                    inProgress = false;
                    if ((System.nanoTime() - t0) / 1e9 > SHOW_PROGRESS_AFTER_S) err.println("  [" + label + "] " + line);
                }
            }
        }
        int exit;
        try {
            exit = p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while TLC ran " + label, e);
        }
        return new Result(all.toString(), exit, (System.nanoTime() - t0) / 1e9);
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }
}
