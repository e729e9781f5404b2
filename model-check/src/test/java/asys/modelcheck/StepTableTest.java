package asys.modelcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A counterexample reads as steps: the action with its arguments and what it changed, per entity. */
class StepTableTest {

    @Test
    void theDoubleReturnReadsAsHookFireThenAWorkerReturningQuick() throws IOException {
        String table = StepTable.render(TlcOutputTest.recorded("invariant-violation.out", 12));
        List<String> lines = table.lines().toList();
        assertTrue(lines.get(0).contains("step") && lines.get(0).contains("what changed"));
        String hookFire = lines.stream().filter(l -> l.contains("HookFire(k1, k3, x1)")).findFirst().orElseThrow();
        assertTrue(hookFire.contains("k1: state \"InCall\" -> \"Worker\""), hookFire);
        assertTrue(table.contains("k3: state \"Reserved\" -> \"Returning\", carries NoId -> u1"), table);
        assertTrue(table.contains("CompleteInline(k1, x1)"), table);
        assertTrue(table.contains("x1: outcome \"IN_PROGRESS\" -> \"QUICK\", returns 0 -> 1"), table);
        assertTrue(table.contains("k5: state \"Unallocated\""), "the initial state is listed in full");
    }

    @Test
    void aLassoEndsWithWhereItLoops() throws IOException {
        assertTrue(StepTable.render(TlcOutputTest.recorded("liveness-loop.out", 13)).contains("back to step 1"));
        assertTrue(StepTable.render(TlcOutputTest.recorded("liveness-lasso.out", 13)).contains("stuttering"));
    }

    @Test
    void withoutActTheActionNameIsTlcs() throws IOException {
        String table = StepTable.render(TlcOutputTest.recorded("deadlock.out", 11));
        assertTrue(table.contains("Next"), table);
        assertTrue(table.contains("x: 0 -> 1"), table);
    }

    @Test
    void onlyWhatChangedIsListed() {
        Map<String, TlaValue> before = Map.of("hook", TlaValue.parse("(k1 :> FALSE @@ k2 :> FALSE)"),
                "machines", TlaValue.parse("{}"));
        Map<String, TlaValue> after = Map.of("hook", TlaValue.parse("(k1 :> FALSE @@ k2 :> TRUE)"),
                "machines", TlaValue.parse("{}"));
        assertEquals(List.of("k2: hook FALSE -> TRUE"), StepTable.describe(before, after));
    }

    @Test
    void noTraceRendersNothing() throws IOException {
        assertEquals("", StepTable.render(TlcOutputTest.recorded("pass-liveness.out", 0)));
    }
}
