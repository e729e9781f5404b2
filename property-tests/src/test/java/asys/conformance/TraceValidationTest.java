package asys.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import asys.modelcheck.TraceValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runtime to TLC: the traces of generated workloads are behaviours of the spec. Every trace is
 * checked by TLC against spec/AsysTrace.tla, many traces per TLC run.
 */
class TraceValidationTest {

    static final int TRACES = 250;
    static final long SEED = 20261125L;

    @Test
    void everyRuntimeTraceIsABehaviourOfTheSpec() throws Exception {
        List<WorkloadRunner.Run> runs = Conformance.runAndWrite(SEED, TRACES, Conformance.TARGET.resolve("traces"));
        for (WorkloadRunner.Run run : runs) {
            assertTrue(run.violations().isEmpty(), () -> run.workload() + ": " + run.violations());
        }
        TraceValidator.Report report = TraceValidator.validate(Conformance.read(Conformance.TARGET.resolve("traces")),
                Conformance.SPEC, Conformance.TARGET.resolve("trace-validation"), Conformance.TLA2TOOLS, System.err);
        TraceValidator.print(report, System.out);
        assertTrue(report.problems().isEmpty(), () -> "TLC problems: " + report.problems());
        assertEquals(TRACES, report.verdicts().size());
        assertEquals(0, report.rejected(), "rejected traces: see above");
        assertTrue(report.events() > 10 * TRACES, "traces too short to mean much: " + report.events() + " events");
    }
}
