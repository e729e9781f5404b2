package asys.modelcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The coverage gate: a branch of Next that no run checking every invariant takes fails the check. */
class CoverageTest {

    @TempDir
    Path dir;

    static final String TLC_COVERAGE = """
            @!@!@STARTMSG 2201:0 @!@!@
            The coverage statistics at 2026-12-02 12:46:57
            @!@!@ENDMSG 2201 @!@!@
            @!@!@STARTMSG 2773:0 @!@!@
            <Init line 10, col 1 to line 10, col 4 of module Asys>: 1:1
            @!@!@ENDMSG 2773 @!@!@
            @!@!@STARTMSG 2772:0 @!@!@
            <SubmitReserves line 4, col 1 to line 4, col 4 of module Asys (370 5 383 60)>: 4:6
            @!@!@ENDMSG 2772 @!@!@
            @!@!@STARTMSG 2221:0 @!@!@
              line 4, col 9 to line 4, col 13 of module Asys: 6
            @!@!@ENDMSG 2221 @!@!@
            @!@!@STARTMSG 2772:0 @!@!@
            <AllocateExhausted line 5, col 1 to line 5, col 4 of module Asys>: 0:0
            @!@!@ENDMSG 2772 @!@!@
            """;

    @Test
    void tlcsActionCoverageIsReadAsStatesGeneratedPerBranch() {
        assertEquals(Map.of("Init", 1L, "SubmitReserves", 6L, "AllocateExhausted", 0L), Coverage.parse(TLC_COVERAGE));
    }

    @Test
    void aBranchTakenInNoRunIsNamedAndFailsTheGate() {
        var gate = new Coverage.Gate(List.of(), List.of(), 1);
        var v = Coverage.judge(List.of(Coverage.parse(TLC_COVERAGE)), gate);
        assertFalse(v.ok());
        assertEquals("coverage: 2 branches, 1 not taken under every invariant: AllocateExhausted", v.summary());
    }

    @Test
    void aBranchTakenInAnyOneRunIsCovered() {
        var gate = new Coverage.Gate(List.of(), List.of(), 1);
        var v = Coverage.judge(List.of(Coverage.parse(TLC_COVERAGE), Map.of("AllocateExhausted", 3L, "SubmitReserves", 0L)), gate);
        assertTrue(v.ok());
        assertEquals("coverage: 2 branches, all taken under every invariant", v.summary());
    }

    @Test
    void anExemptBranchIsNotCountedButMustExist() {
        var v = Coverage.judge(List.of(Coverage.parse(TLC_COVERAGE)), new Coverage.Gate(List.of(), List.of("AllocateExhausted"), 1));
        assertTrue(v.ok(), v.summary());
        assertEquals(1, v.branches());
        var stale = Coverage.judge(List.of(Coverage.parse(TLC_COVERAGE)), new Coverage.Gate(List.of(), List.of("NoSuchStep"), 1));
        assertFalse(stale.ok());
        assertTrue(stale.summary().contains("NoSuchStep"), stale.summary());
    }

    @Test
    void noRunThatChecksEverythingFailsTheGate() {
        var v = Coverage.judge(List.of(), new Coverage.Gate(List.of(), List.of(), 1));
        assertFalse(v.ok());
        assertTrue(v.summary().startsWith("coverage: no run checks every invariant"), v.summary());
    }

    @Test
    void theInvariantsAreTheOnesSafetyConjoins() throws Exception {
        Set<String> names = Coverage.safetyNames(Files.readString(Path.of("../spec/Asys.tla")));
        assertTrue(names.containsAll(Set.of("TypeOK", "IdentityUnique", "NoLostCompletion", "EndedCleanly")), names.toString());
        assertThrows(IllegalArgumentException.class, () -> Coverage.safetyNames("Init == TRUE\n"));
    }

    @Test
    void theGateLineIsReadAndABadOneRefused() {
        assertEquals(List.of("AwaitSleep", "X"), Coverage.readGate("s", "a b - pass\ncoverage-gate except AwaitSleep X  # c\n")
                .orElseThrow().exempt());
        var g = Coverage.readGate("s", "coverage-gate over dry close except AwaitSleep\n").orElseThrow();
        assertEquals(List.of("dry", "close"), g.rows());
        assertEquals(List.of("AwaitSleep"), g.exempt());
        assertTrue(Coverage.readGate("s", "coverage-gate\n").orElseThrow().rows().isEmpty());
        assertThrows(IllegalArgumentException.class, () -> Coverage.readGate("s", "coverage-gate over\n"));
        assertThrows(IllegalArgumentException.class, () -> Coverage.readGate("s", "coverage-gate over a\ncoverage-gate\n"));
        assertTrue(Coverage.readGate("s", "a b - pass\n").isEmpty());
        var e = assertThrows(IllegalArgumentException.class, () -> Coverage.readGate("s.suite", "coverage-gate AwaitSleep\n"));
        assertTrue(e.getMessage().startsWith("s.suite:1: expected 'coverage-gate [over Run...] [except Branch...]'"), e.getMessage());
    }

    /** A real TLC run on a model with one call and no thread shortage: the limit and exhaustion
     *  branches cannot be taken there, and make check's gate says so and fails. */
    @Test
    void checkFailsNamingTheBranchesAModelCannotReach() throws Exception {
        String invariants = String.join("\n  ", Coverage.safetyNames(Files.readString(Path.of("../spec/Asys.tla"))));
        Files.writeString(dir.resolve("MCAsys_one.cfg"), """
                CONSTANTS
                  CPU = {c1}
                  KThread = {k1, k2, k3}
                  Identity = {u1}
                  Call = {x1}
                  PoolCap = 1
                  PoolFloor = 1
                  Limit = 1
                  WithClose = FALSE
                  Fault = "none"
                  NoThread = NoThread
                  NoId = NoId
                  NoCall = NoCall
                  NoCpu = NoCpu
                INIT Init
                NEXT Next
                VIEW View
                CONSTRAINT Bounded
                INVARIANTS
                  %s
                PROPERTY
                  Refinement
                """.formatted(invariants));
        Path suite = dir.resolve("one.suite");
        Files.writeString(suite, "coverage-gate except AwaitSleep AllocateWaitsAgain\none  MCAsys_one.cfg  -  pass\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--suite", suite.toString(), "--spec", "../spec", "--configs", dir.toString(),
                "--out", dir.resolve("out").toString(), "--tla2tools", "target/lib/tla2tools.jar", "--workers", "1"}, new PrintStream(out, true), new PrintStream(new ByteArrayOutputStream()));
        String text = out.toString();
        assertEquals(1, code, text);
        assertTrue(text.contains(" not taken under every invariant: "), text);
        assertTrue(text.contains("SubmitOverLimit") && text.contains("AllocateExhausted"), text);
        assertTrue(text.contains("KeepAliveExit"), "a fixed pool never takes the keep-alive branch: " + text);
        assertTrue(text.contains("check: 1 passed, 0 variants rejected as expected, 0 failed"), text);
    }
}
