package asys.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import asys.modelcheck.TraceValidator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runtime to TLC: the traces of generated workloads are behaviours of the spec. Every trace is
 * checked by TLC against spec/AsysTrace.tla, many traces per TLC run. Every trace ends with the
 * runtime's close; about half close their identities with calls still in flight, and a quarter
 * run with a thread factory that fails (AllocateFails): the test prints
 * {@code trace-validation: N traces with close, C with calls in flight at a Close, F with AllocateFails, R rejected}.
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
        List<TraceValidator.Trace> traces = Conformance.read(Conformance.TARGET.resolve("traces"));
        long withClose = traces.stream().filter(t -> has(t, "CloseRuntime")).count();
        long closeInFlight = traces.stream().filter(TraceValidationTest::closedWithCallsInFlight).count();
        long factoryFailures = traces.stream().filter(t -> has(t, "AllocateFails")).count();
        long keepAlive = traces.stream().filter(t -> has(t, "KeepAliveExit")).count();
        System.out.println("trace-validation: " + withClose + " traces with close, " + closeInFlight
                + " with calls in flight at a Close, " + factoryFailures + " with AllocateFails, " + report.rejected() + " rejected");
        long waited = traces.stream().filter(t -> t.events().stream()
                .anyMatch(e -> "Allocate".equals(e.get("action")) && Boolean.TRUE.equals(e.get("pooled")))).count();
        System.out.println("trace-validation: " + keepAlive + " traces with KeepAliveExit, " + waited
                + " with a spare the allocator waited for");
        long kept = traces.stream().filter(TraceValidationTest::reservesAKeptSpare).count();
        long released = traces.stream().filter(t -> has(t, "SpareRelease")).count();
        System.out.println("trace-validation: " + kept + " traces where a call reserved the spare its identity kept, "
                + released + " with SpareRelease");
        long executeForm = 0, hotHandoffs = 0;
        for (WorkloadRunner.Run run : runs) {
            List<Workload.CallSpec> calls = run.workload().calls();
            for (int x = 0; x < calls.size(); x++) if (WorkloadRunner.executeForm(x, calls.get(x))) executeForm++;
            if (WorkloadRunner.hot(run.workload()) && run.trace().stream().anyMatch(l -> l.contains("\"action\":\"HookFire\""))) hotHandoffs++;
        }
        System.out.println("trace-validation: " + executeForm + " execute-form calls (no handle: a quick one runs in its loop's"
                + " reused record), " + hotHandoffs + " traces that hand over with the hot spare on");
        assertTrue(report.problems().isEmpty(), () -> "TLC problems: " + report.problems());
        assertEquals(TRACES, report.verdicts().size());
        assertEquals(0, report.rejected(), "rejected traces: see above");
        assertTrue(report.events() > 10 * TRACES, "traces too short to mean much: " + report.events() + " events");
        assertEquals(TRACES, withClose, "every run ends with the runtime's close");
        assertTrue(closeInFlight > TRACES / 10, "too few traces close with calls in flight: " + closeInFlight);
        assertTrue(factoryFailures > TRACES / 20, "too few traces with a failed thread start: " + factoryFailures);
        assertTrue(keepAlive >= TRACES / 10, "too few traces where an idle spare exits on its keep-alive: " + keepAlive);
        assertTrue(waited >= TRACES / 50, "too few traces where the allocator waited for a spare: " + waited);
        assertTrue(kept >= TRACES / 2, "too few traces where a call reserved the spare its identity kept: " + kept);
        assertTrue(released >= TRACES / 2, "too few traces where an idle loop gave its spare back: " + released);
        assertTrue(executeForm >= TRACES, "too few execute-form calls: " + executeForm);
        assertTrue(hotHandoffs >= TRACES / 10, "too few traces that hand over with the hot spare on: " + hotHandoffs);
    }

    static boolean has(TraceValidator.Trace t, String action) {
        return t.events().stream().anyMatch(e -> action.equals(e.get("action")));
    }

    /** A Submit reserves the spare its identity kept from a call that did not block (SubmitUsesHeld):
     *  the spare of the identity's last CompleteInline or WouldBlock, with no SpareRelease since. */
    static boolean reservesAKeptSpare(TraceValidator.Trace t) {
        java.util.Map<Object, Object> identityOfCall = new java.util.HashMap<>(), keptBy = new java.util.HashMap<>();
        for (var e : t.events()) {
            Object a = e.get("action");
            if ("Submit".equals(a)) {
                Object u = e.get("identity");
                identityOfCall.put(e.get("call"), u);
                if (e.get("spare") != null && e.get("spare").equals(keptBy.remove(u))) return true;
            } else if (("CompleteInline".equals(a) || "WouldBlock".equals(a)) && e.get("spare") != null) {
                keptBy.put(identityOfCall.get(e.get("call")), e.get("spare"));
            } else if ("SpareRelease".equals(a)) {
                keptBy.remove(e.get("identity"));
            }
        }
        return false;
    }

    /** An identity's Close comes before a step of one of its calls (a post or a reap). */
    static boolean closedWithCallsInFlight(TraceValidator.Trace t) {
        boolean closed = false;
        for (var e : t.events()) {
            Object a = e.get("action");
            if ("Close".equals(a)) closed = true;
            else if (closed && ("WorkerFinish".equals(a) || "MachineComplete".equals(a) || "Reap".equals(a))) return true;
        }
        return false;
    }
}
