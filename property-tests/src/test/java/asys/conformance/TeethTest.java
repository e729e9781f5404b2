package asys.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import asys.modelcheck.TraceValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The conformance suite has teeth: each mistake injected into the runtime (a fault switch, the
 * twin of a broken variant of the spec) is caught, by TLC rejecting a trace at the event where
 * the mistake shows, or by a property of the runner. The control run, with no fault, is clean.
 */
class TeethTest {

    static final int WORKLOADS = 40;
    static final long SEED = 7L;

    @ParameterizedTest(name = "{0} {3}")
    @CsvSource({
            "none,,,",
            "none,,,raw",
            "NoHookCheck,CompleteInline,,",
            "HookKeptOnFastPath,CompleteInline,,",
            "QuickPosts,MachineComplete,,",
            "PoolBeforePost,Submit,,",
            "AwaitNotAtomic,,ExactlyOneOutcome,",
            "HookKeptAtFire,HookFire,,raw",
            "KeepAliveRacesReserve,Submit|PoolExit|KeepAliveExit,,",
            "HeldSpareShared,Submit|Allocate|PoolExit|KeepAliveExit|SpareRelease,,",
            "RecordReusedInFlight,,ExactlyOneOutcome,",
    })
    void anInjectedMistakeIsCaught(String fault, String rejectedAt, String property, String raw) throws Exception {
        Path dir = Conformance.TARGET.resolve("teeth").resolve(fault + (raw == null ? "" : "-raw"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dasys.fault=" + fault, "-Dasys.runner.outcomeMs=2000", "-Dasys.runner.reachMs=2000",
                "-cp", Conformance.faultClassPath(), CorpusMain.class.getName(),
                dir.toString(), String.valueOf(SEED), String.valueOf(WORKLOADS)));
        if (raw != null) cmd.add("raw");   // calls block in the plain JDK: only the automatic hook sees them
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the faulty runtime's JVM did not finish");
        assertEquals(0, p.exitValue(), "CorpusMain failed");
        List<String> violations = Files.readAllLines(dir.resolve("violations.txt"));
        TraceValidator.Report report = TraceValidator.validate(Conformance.read(dir), Conformance.SPEC,
                dir.resolve("validation"), Conformance.TLA2TOOLS, System.err);
        assertTrue(report.problems().isEmpty(), () -> "TLC itself failed: " + report.problems());
        List<TraceValidator.Verdict> rejected = report.verdicts().stream().filter(v -> !v.accepted()).toList();
        System.out.printf("teeth %s: %d of %d traces rejected%s; %d property violations%n", fault, rejected.size(),
                report.verdicts().size(), rejected.isEmpty() ? "" : ", first at " + rejected.get(0).event(), violations.size());
        if (fault.equals("none")) {
            assertTrue(rejected.isEmpty() && violations.isEmpty(), "the control run must be clean: " + violations);
            return;
        }
        if (rejectedAt != null) {   // one action, or several separated by '|': the event where the mistake shows
            assertTrue(rejected.stream().anyMatch(v -> java.util.Arrays.stream(rejectedAt.split("\\|"))
                            .anyMatch(a -> v.event().contains("action |-> \"" + a + "\""))),
                    () -> fault + " must be rejected by TLC at a " + rejectedAt + " event; rejected: "
                            + rejected.stream().map(TraceValidator.Verdict::event).toList());
        }
        if (property != null) {
            assertTrue(violations.stream().anyMatch(v -> v.contains(property + ":")),
                    () -> fault + " must break " + property + "; found " + violations);
        }
    }

    /** The hot spare's wake-up has teeth: a spare woken to spin that is never unparked
     *  (HotSpareLosesWakeup) stalls its loop, where nothing else would wake it; the control is clean. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"none", "HotSpareLosesWakeup"})
    void aHotSpareThatMissesItsWakeUpIsCaught(String fault) throws Exception {
        caughtByItsProgram(HotSpareMain.class, "hot spare", fault, "NeverStalls", "stall its loop");
    }

    /** A close has teeth against a task handed over from another thread: a task queued without a
     *  second look at a close that came after its check (TaskLostAtClose) neither runs nor is
     *  refused once the loop has ended; the control, meeting the same race, gives every task and
     *  call its one outcome. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"none", "TaskLostAtClose"})
    void aTaskLostAsItsIdentityClosesIsCaught(String fault) throws Exception {
        caughtByItsProgram(CloseRaceMain.class, "close race", fault, "ExactlyOneOutcome", "leave a task with no outcome",
                "-Dasys.fault.wideCloseWindow=true");
    }

    /** The handoff's stack has teeth: without the stack probe before HookFire's point of no return
     *  (NoStackProbe), a call that blocks at the edge of its stack overflows partway through its
     *  handoff and never gets its outcome; the control, the same calls, gets every outcome. */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"none", "NoStackProbe"})
    void aHandoffThatOverflowsItsStackIsCaught(String fault) throws Exception {
        caughtByItsProgram(StackEdgeMain.class, "stack edge", fault, "ExactlyOneOutcome",
                "leave a call that blocks at the edge of its stack with no outcome");
    }

    /**
     * Runs {@code program} (usage: PROGRAM DIR ROUNDS, writing violations.txt in DIR) for 20 rounds
     * in a child JVM on the fault build with {@code fault} switched on: the control ("none") must
     * be clean, a fault must break {@code property}.
     */
    private static void caughtByItsProgram(Class<?> program, String what, String fault, String property, String broken,
            String... options) throws Exception {
        Path dir = Conformance.TARGET.resolve("teeth").resolve(what.replace(' ', '-') + "-" + fault);
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dasys.fault=" + fault));
        cmd.addAll(List.of(options));
        cmd.addAll(List.of("-cp", Conformance.faultClassPath(), program.getName(), dir.toString(), "20"));
        Process p = new ProcessBuilder(cmd).inheritIO().start();
        assertTrue(p.waitFor(300, TimeUnit.SECONDS), "the runtime's JVM did not finish");
        assertEquals(0, p.exitValue(), program.getSimpleName() + " failed");
        List<String> violations = Files.readAllLines(dir.resolve("violations.txt"));
        System.out.printf("teeth %s (%s): %d violations%s%n", fault, what, violations.size(),
                violations.isEmpty() ? "" : ", first: " + violations.get(0));
        if (fault.equals("none")) assertTrue(violations.isEmpty(), "the control run must be clean: " + violations);
        else assertTrue(violations.stream().anyMatch(v -> v.startsWith(property + ":")),
                () -> fault + " must " + broken + ": " + violations);
    }
}
