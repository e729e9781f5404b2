package asys.conformance;

import asys.modelcheck.TraceValidator;
import com.pholser.junit.quickcheck.random.SourceOfRandomness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Paths and helpers shared by the conformance tests. */
final class Conformance {

    static final Path ROOT = Path.of(System.getProperty("asys.root", "..")).toAbsolutePath().normalize();
    static final Path SPEC = ROOT.resolve("spec");
    static final Path TLA2TOOLS = ROOT.resolve("model-check/target/lib/tla2tools.jar");
    static final Path TARGET = ROOT.resolve("property-tests/target");

    private Conformance() {}

    /** Generates {@code n} workloads from {@code seed}, runs each, writes its trace under {@code dir}. */
    static List<WorkloadRunner.Run> runAndWrite(long seed, int n, Path dir) throws IOException {
        recreate(dir);
        SourceOfRandomness r = new SourceOfRandomness(new Random(seed));
        WorkloadGenerator g = new WorkloadGenerator();
        List<WorkloadRunner.Run> runs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            WorkloadRunner.Run run = WorkloadRunner.run(g.generate(r, null));
            Files.write(dir.resolve(String.format("trace-%04d.jsonl", k)), run.trace());
            runs.add(run);
        }
        return runs;
    }

    static List<TraceValidator.Trace> read(Path dir) throws IOException {
        List<TraceValidator.Trace> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) out.add(TraceValidator.read(f));
        }
        return out;
    }

    static void recreate(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
            }
        }
        Files.createDirectories(dir);
    }
}
