package asys.conformance;

import static org.junit.Assert.assertEquals;

import com.pholser.junit.quickcheck.From;
import com.pholser.junit.quickcheck.Property;
import com.pholser.junit.quickcheck.runner.JUnitQuickcheck;
import java.util.List;
import org.junit.runner.RunWith;

/**
 * The spec's promises, checked directly on the runtime's observations of generated workloads
 * (the same runs also produce traces; TraceValidationTest has TLC check those). A failing
 * workload is shrunk to a minimal one. 250 tries each, 1,000 in all.
 */
@RunWith(JUnitQuickcheck.class)
public class WorkloadPropertiesTest {

    static final int TRIES = 250;

    static List<String> violations(Workload w, String... properties) {
        WorkloadRunner.Run run = WorkloadRunner.run(w);
        return run.violations().stream().filter(v -> {
            for (String p : properties) if (v.startsWith(p + ":")) return true;
            return v.startsWith("uncaught") || v.startsWith("interrupted") || v.startsWith("close");
        }).toList();
    }

    /** IdentityUnique: no identity ever runs on two threads at once. */
    @Property(trials = TRIES)
    public void anIdentityIsNeverCarriedByTwoThreads(@From(WorkloadGenerator.class) Workload w) {
        assertEquals(w.toString(), List.of(), violations(w, "IdentityUnique"));
    }

    /** ExactlyOneOutcome, CompletionOnce, NoLostCompletion: one outcome per call, posted only if IN_PROGRESS. */
    @Property(trials = TRIES)
    public void everyCallGetsExactlyOneOutcome(@From(WorkloadGenerator.class) Workload w) {
        assertEquals(w.toString(), List.of(), violations(w, "ExactlyOneOutcome", "CompletionOnce", "NoLostCompletion", "Result"));
    }

    /** NonblockNeverSleeps and AtomicNeverWaits. */
    @Property(trials = TRIES)
    public void nonblockNeverSleepsAndAtomicNeverWaits(@From(WorkloadGenerator.class) Workload w) {
        assertEquals(w.toString(), List.of(), violations(w, "NonblockNeverSleeps", "AtomicNeverWaits"));
    }

    /** NeverStalls and NoThreadLeft: every blocking point is reached while others block; close ends every thread. */
    @Property(trials = TRIES)
    public void theLoopNeverStallsAndCloseLeavesNoThread(@From(WorkloadGenerator.class) Workload w) {
        assertEquals(w.toString(), List.of(), violations(w, "NeverStalls", "NoThreadLeft"));
    }
}
