package asys.modelcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The launcher reads TLC's real outputs (recorded from TLC 2.18 runs) correctly. */
class TlcOutputTest {

    static TlcOutput recorded(String name, int exitCode) throws IOException {
        try (InputStream in = TlcOutputTest.class.getResourceAsStream("/tlc-output/" + name)) {
            if (in == null) throw new IOException("missing test resource " + name);
            return TlcOutput.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), exitCode);
        }
    }

    @Test
    void aPassingRunIsPassedWithItsStateCountAndDepth() throws IOException {
        TlcOutput out = recorded("pass-liveness.out", 0);
        assertEquals(TlcOutput.Verdict.PASSED, out.verdict());
        assertEquals(19674, out.distinctStates());
        assertEquals(58122, out.generatedStates());
        assertEquals(13, out.depth());
        assertTrue(out.trace().isEmpty());
        assertTrue(out.problems().isEmpty(), () -> "problems: " + out.problems());
    }

    @Test
    void aSuccessMessageWithANonZeroExitIsNotAPass() throws IOException {
        assertEquals(TlcOutput.Verdict.ERROR, recorded("pass-liveness.out", 255).verdict());
    }

    @Test
    void anInvariantViolationNamesTheInvariantAndKeepsEveryStateOfTheTrace() throws IOException {
        TlcOutput out = recorded("invariant-violation.out", 12);
        assertEquals(TlcOutput.Verdict.INVARIANT_VIOLATED, out.verdict());
        assertEquals("IdentityUnique", out.property());
        assertEquals(5, out.trace().size());
        assertEquals("Init", out.trace().get(0).action());
        assertEquals("HookFire", out.trace().get(2).action());
        assertEquals("CompleteInline", out.trace().get(4).action());
        TlaValue.Mapping carries = (TlaValue.Mapping) out.trace().get(4).state().get("carries");
        assertEquals("u1", carries.entries().get("k1").text());
        assertEquals("u1", carries.entries().get("k3").text());
        assertEquals(16, out.trace().get(0).state().size(), "all sixteen variables of Asys are read");
    }

    @Test
    void aDeadlockIsReportedWithItsTrace() throws IOException {
        TlcOutput out = recorded("deadlock.out", 11);
        assertEquals(TlcOutput.Verdict.DEADLOCK, out.verdict());
        assertEquals(3, out.trace().size());
        assertEquals("2", out.trace().get(2).state().get("x").text());
    }

    @Test
    void aLivenessCounterexampleEndingInStutteringSaysSo() throws IOException {
        TlcOutput out = recorded("liveness-lasso.out", 13);
        assertEquals(TlcOutput.Verdict.TEMPORAL_VIOLATED, out.verdict());
        assertTrue(out.endsStuttering());
        assertNull(out.loopsBackTo());
        assertEquals(8, out.trace().size());
        assertEquals("Allocate", out.trace().get(7).action());
    }

    @Test
    void aLivenessLassoSaysWhichStateItLoopsBackTo() throws IOException {
        TlcOutput out = recorded("liveness-loop.out", 13);
        assertEquals(TlcOutput.Verdict.TEMPORAL_VIOLATED, out.verdict());
        assertEquals(1, out.loopsBackTo());
        assertFalse(out.endsStuttering());
        assertEquals(3, out.trace().size());
    }

    @Test
    void aRefinementViolationIsAnActionPropertyViolationLocatedInTheContract() throws IOException {
        TlcOutput out = recorded("action-property-violation.out", 13);
        assertEquals(TlcOutput.Verdict.ACTION_PROPERTY_VIOLATED, out.verdict());
        assertTrue(out.property().startsWith("AsysContract line "), out.property());
        assertFalse(out.trace().isEmpty());
    }

    @Test
    void aParseErrorKeepsSanysMessage() throws IOException {
        TlcOutput out = recorded("parse-error.out", 150);
        assertEquals(TlcOutput.Verdict.PARSE_ERROR, out.verdict());
        assertTrue(String.join("\n", out.problems()).contains("Parse Error"), () -> String.join("\n", out.problems()));
        assertTrue(out.problemSummary().contains("Parse Error"));
    }

    @Test
    void aMissingConfigIsAnErrorThatNamesTheFile() throws IOException {
        TlcOutput out = recorded("missing-config.out", 255);
        assertEquals(TlcOutput.Verdict.ERROR, out.verdict());
        assertTrue(String.join("\n", out.problems()).contains("Nope.cfg"), () -> String.join("\n", out.problems()));
    }

    @Test
    void emptyOutputIsAnErrorNotAPass() {
        TlcOutput out = TlcOutput.parse("", 1);
        assertEquals(TlcOutput.Verdict.ERROR, out.verdict());
        assertEquals(-1, out.distinctStates());
    }

    @Test
    void aDistributedCounterexampleIsAViolationThoughTheServerNamesNothingAndExitsZero() throws IOException {
        // Recorded from TLCServer 2.18 with one TLCWorker on the LimitSkipsInProgress variant,
        // whose only checked property was Refinement: the server printed the trace and exited 0.
        TlcOutput out = recorded("distributed-refinement-violated.out", 0);
        assertEquals(TlcOutput.Verdict.UNNAMED_VIOLATION, out.verdict());
        assertEquals(2, out.trace().size());
        Suite.Row reject = new Suite.Row("variant", "MCAsys_small.cfg", "LimitSkipsInProgress", Suite.Kind.REJECT, "Refinement", 1);
        assertTrue(Outcome.judge(reject, out, 1, "dir", true).asExpected(), "attributable when it is the only property checked");
        assertFalse(Outcome.judge(reject, out, 1, "dir", false).asExpected(), "not attributable otherwise");
        Suite.Row pass = new Suite.Row("healthy", "MCAsys_small.cfg", "-", Suite.Kind.PASS, null, 1);
        assertFalse(Outcome.judge(pass, out, 1, "dir", false).asExpected(), "a counterexample fails a passing row, exit 0 or not");
    }

    @Test
    void aDistributedRunWithoutCounterexampleIsAPassWithItsStateCount() throws IOException {
        TlcOutput out = recorded("distributed-passed.out", 0);
        assertEquals(TlcOutput.Verdict.PASSED, out.verdict());
        assertEquals(91604, out.distinctStates());
    }
}
