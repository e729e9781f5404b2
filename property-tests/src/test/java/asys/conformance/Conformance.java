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
    /** The fault build of the runtime (impl's target/fault-classes): the production jar has no switches. */
    static final Path FAULT_CLASSES = ROOT.resolve("impl/target/fault-classes");

    /**
     * The class path for a JVM that runs the runtime with {@code -Dasys.fault}: the fault build
     * first, so that its classes stand in for the production ones, then this JVM's own.
     */
    static String faultClassPath() {
        if (!java.nio.file.Files.isRegularFile(FAULT_CLASSES.resolve("asys/runtime/Fault.class"))) {
            throw new IllegalStateException("the runtime's fault build is missing at " + FAULT_CLASSES
                    + ": build impl first (mvn -pl impl package)");
        }
        return FAULT_CLASSES + java.io.File.pathSeparator + System.getProperty("java.class.path");
    }

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
