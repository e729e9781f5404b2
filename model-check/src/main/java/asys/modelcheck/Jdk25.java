package asys.modelcheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A JDK 25 (or later) found at run time, for what is run there as well as on the baseline JDK
 * (virtual threads in the benchmarks, the agent's tests): {@code $ASYS_JDK25} first, then
 * {@code /usr/lib/jvm}. {@code path} is its {@code java}, or null with {@code why} saying where
 * it looked.
 */
public record Jdk25(String path, String version, String why) {
    /** Looks for a JDK 25 or later; never throws. */
    public static Jdk25 find() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv("ASYS_JDK25");
        if (env != null && !env.isBlank()) candidates.add(Path.of(env, "bin", "java"));
        candidates.add(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"));
        try (var dirs = Files.list(Path.of("/usr/lib/jvm"))) {
            dirs.filter(d -> d.getFileName().toString().contains("25")).forEach(d -> candidates.add(d.resolve("bin").resolve("java")));
        } catch (IOException e) {
            // no /usr/lib/jvm
        }
        for (Path bin : candidates) {
            if (!Files.isExecutable(bin)) continue;
            try {
                Process p = new ProcessBuilder(bin.toString(), "-version").redirectErrorStream(true).start();
                String text = new String(p.getInputStream().readAllBytes());
                p.waitFor();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("version \"(\\d+)([^\"]*)\"").matcher(text);
                if (m.find() && Integer.parseInt(m.group(1)) >= 25) return new Jdk25(bin.toString(), m.group(1) + m.group(2), "");
            } catch (IOException | InterruptedException | NumberFormatException e) {
                // try the next
            }
        }
        return new Jdk25(null, null, "looked at $ASYS_JDK25 and /usr/lib/jvm");
    }
}
