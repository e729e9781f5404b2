package asys.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import asys.modelcheck.TraceValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Errors at any point lose nothing. In a test build whose injector throws a
 * {@link StackOverflowError}, an {@link OutOfMemoryError} or a {@link RuntimeException} at each
 * of the runtime's injection points in turn (one per step: Submit, Allocate, HookFire, ...,
 * Close), over generated workloads: every call still gets exactly one outcome, no thread and no
 * identity is left once the runtime is closed, and the trace up to the failure is a behaviour
 * of the spec (TLC). Prints
 * {@code errors: P injection points, N injections, L lost, D double, O orphaned}.
 */
class ErrorInjectionTest {

    static final long SEED = 20261202L;
    static final int PER_POINT_AND_KIND = 10;

    /** Runs ErrorInjectionMain in a JVM of its own (with {@code fault} switched on) and returns its results.tsv rows. */
    static List<String> inject(String name, String fault, int perCase, String points, long outcomeMs) throws Exception {
        Path dir = Conformance.TARGET.resolve(name);
        Path log = Conformance.TARGET.resolve(name + ".log");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dasys.inject=" + ErrorInjector.class.getName(), "-Dasys.fault=" + fault,
                "-Dasys.runner.outcomeMs=" + outcomeMs, "-Dasys.runner.reachMs=" + outcomeMs,
                "-cp", Conformance.faultClassPath(), ErrorInjectionMain.class.getName(),
                dir.toString(), String.valueOf(SEED), String.valueOf(perCase)));
        if (points != null) cmd.add(points);
        Files.createDirectories(Conformance.TARGET);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(p.waitFor(600, TimeUnit.SECONDS), "the injection JVM did not finish");
        assertEquals(0, p.exitValue(), () -> "ErrorInjectionMain failed: see " + log);
        return Files.readAllLines(dir.resolve("results.tsv"));
    }

    @Test
    void anErrorThrownAtAnyStepOfTheRuntimeLosesNoCallAndLeavesNoThread() throws Exception {
        Path dir = Conformance.TARGET.resolve("error-injection");
        List<String> rows = inject("error-injection", "none", PER_POINT_AND_KIND, null, 3000);
        List<String> points = ErrorInjectionMain.points();
        Set<String> injectedAt = new TreeSet<>();
        int injections = 0, lost = 0, doubled = 0, orphaned = 0, stalledInline = 0;
        List<String> failures = new ArrayList<>();
        for (String row : rows) {
            String[] f = row.split("\t", -1);
            boolean injected = Boolean.parseBoolean(f[3]);
            if (injected) {
                injectedAt.add(f[0]);
                injections++;
            }
            int l = Integer.parseInt(f[4]), d = Integer.parseInt(f[5]), o = Integer.parseInt(f[6]);
            lost += l;
            doubled += d;
            orphaned += o;
            String violations = f[9].substring(0, f[9].indexOf(" Workload[")).trim();
            // A raw JDK block whose hook fire failed blocks inline, as it would without the agent:
            // its loop stalls for that block (NeverStalls), and nothing else may go wrong.
            boolean inlineBlock = f[0].equals("HookFire") && f[1].endsWith("/raw") && injected
                    && Stream.of(violations.split(" \\| ")).allMatch(v -> v.startsWith("NeverStalls:"));
            if (inlineBlock) stalledInline++;
            if (l + d + o > 0 || (!violations.isEmpty() && !inlineBlock)) failures.add(row);
        }
        TraceValidator.Report report = TraceValidator.validate(Conformance.read(dir), Conformance.SPEC,
                dir.resolve("validation"), Conformance.TLA2TOOLS, System.err);
        System.out.printf("errors: %d injection points, %d injections, %d lost, %d double, %d orphaned%n",
                injectedAt.size(), injections, lost, doubled, orphaned);
        System.out.printf("errors: the trace up to each failure: %d of %d accepted by TLC; %d raw blocks whose hook fire failed blocked inline%n",
                report.verdicts().size() - report.rejected(), report.verdicts().size(), stalledInline);
        assertTrue(failures.isEmpty(), () -> "runs that lost, doubled or left something, or broke a property:\n" + String.join("\n", failures));
        assertEquals(new TreeSet<>(points), injectedAt, "every injection point must be met by some workload");
        assertTrue(injectedAt.size() >= 10, "at least 10 points");
        assertTrue(report.problems().isEmpty(), () -> "TLC problems: " + report.problems());
        assertEquals(injections, report.verdicts().size());
        assertEquals(0, report.rejected(), "traces up to a failure rejected by TLC: see above");
    }

    /**
     * The teeth: with the post's failure handling switched off (fault PostNotFailureAtomic), an
     * error at WorkerFinish escapes and the completion is lost, and the ledger must say so.
     */
    @Test
    void aPostThatIsNotFailureAtomicLosesCallsAndTheLedgerSaysSo() throws Exception {
        int lost = 0, injected = 0;
        for (String row : inject("error-injection-teeth", "PostNotFailureAtomic", 1, "WorkerFinish", 1000)) {
            String[] f = row.split("\t", -1);
            if (Boolean.parseBoolean(f[3])) injected++;
            lost += Integer.parseInt(f[4]);
        }
        System.out.printf("errors: teeth PostNotFailureAtomic: %d injections at WorkerFinish, %d lost%n", injected, lost);
        assertTrue(injected > 0, "the fault's point was never met");
        assertTrue(lost > 0, "a post that loses its completion on an error must show in the ledger as lost calls");
    }
}
