package asys.conformance;

import asys.modelcheck.TraceValidator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Paths and helpers shared by the conformance tests. */
final class Conformance {

    static final Path ROOT = Path.of(System.getProperty("asys.root", "..")).toAbsolutePath().normalize();
    static final Path SPEC = ROOT.resolve("spec");
    static final Path TLA2TOOLS = ROOT.resolve("model-check/target/lib/tla2tools.jar");
    static final Path TARGET = ROOT.resolve("property-tests/target");

    private Conformance() {}

    static List<WorkloadRunner.Run> runAndWrite(long seed, int n, Path dir) throws IOException {
        return Corpus.runAndWrite(seed, n, dir);
    }

    static List<TraceValidator.Trace> read(Path dir) throws IOException {
        List<TraceValidator.Trace> out = new ArrayList<>();
        try (var s = Files.list(dir)) {
            for (Path f : s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList()) out.add(TraceValidator.read(f));
        }
        return out;
    }

}
