package asys.modelcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Suites, config derivation and judging: a variant only counts when the right property rejects it. */
class SuiteTest {

    static final String CFG = """
            \\* a model
            CONSTANTS
              Fault = "none"
              Limit = 1
            INIT Init
            NEXT Next
            INVARIANTS
              TypeOK
              IdentityUnique
            PROPERTY
              Refinement
              EveryCallReturns
            """;

    @Test
    void rowsAreReadWithTheirExpectations() {
        List<Suite.Row> rows = Suite.parse("s", """
                # comment
                main  MCAsys.cfg  -            pass
                v1    MCAsys.cfg  NoHookCheck  reject IdentityUnique   # trailing comment
                w1    MCAsys.cfg  -            reach Unreached_X
                """);
        assertEquals(3, rows.size());
        assertEquals(Suite.Kind.REJECT, rows.get(1).kind());
        assertEquals("IdentityUnique", rows.get(1).property());
        assertEquals(3, rows.get(1).line());
        assertEquals("reach Unreached_X", rows.get(2).expectation());
    }

    @Test
    void badRowsAreRejectedNamingFileAndLine() {
        var e = assertThrows(IllegalArgumentException.class, () -> Suite.parse("s.suite", "a MCAsys.cfg - maybe\n"));
        assertTrue(e.getMessage().startsWith("s.suite:1: unknown expectation 'maybe'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Suite.parse("s", "a MCAsys.cfg - reject\n"));
        assertThrows(IllegalArgumentException.class, () -> Suite.parse("s", "a MCAsys.tla - pass\n"));
        assertThrows(IllegalArgumentException.class, () -> Suite.parse("s", "a b.cfg - pass\na c.cfg - pass\n"));
        assertThrows(IllegalArgumentException.class, () -> Suite.parse("s", "# nothing\n"));
        assertThrows(IllegalArgumentException.class, () -> Suite.read(Path.of("no-such.suite")));
    }

    @Test
    void aVariantConfigSetsTheFaultAndKeepsEveryInvariant() {
        Suite.Row row = Suite.parse("s", "v MCAsys.cfg NoHookCheck reject IdentityUnique").get(0);
        ModelConfig c = Main.derive(row, ModelConfig.parse("c", CFG));
        assertEquals("\"NoHookCheck\"", c.constant("Fault"));
        assertEquals(List.of("TypeOK", "IdentityUnique"), c.names("INVARIANTS"));
        assertEquals(List.of("Refinement", "EveryCallReturns"), c.names("PROPERTIES"));
    }

    @Test
    void aPropertyVariantKeepsOnlyThatProperty() {
        Suite.Row row = Suite.parse("s", "v MCAsys.cfg AllocRetriesForever reject EveryCallReturns").get(0);
        ModelConfig c = Main.derive(row, ModelConfig.parse("c", CFG));
        assertEquals(List.of("EveryCallReturns"), c.names("PROPERTIES"));
        ModelConfig again = ModelConfig.parse("again", c.text());
        assertEquals(List.of("EveryCallReturns"), again.names("PROPERTIES"), c.text());
    }

    @Test
    void aWitnessKeepsOnlyItsInvariantAndNoProperty() {
        Suite.Row row = Suite.parse("s", "w MCAsys.cfg - reach Unreached_X").get(0);
        ModelConfig c = Main.derive(row, ModelConfig.parse("c", CFG));
        assertEquals(List.of("Unreached_X"), c.names("INVARIANTS"));
        assertTrue(c.names("PROPERTIES").isEmpty());
        assertFalse(c.text().contains("PROPERTIES"));
    }

    @Test
    void rejectingByAnUnknownPropertyIsAnError() {
        Suite.Row row = Suite.parse("s", "v MCAsys.cfg X reject NoSuchThing").get(0);
        assertThrows(IllegalArgumentException.class, () -> Main.derive(row, ModelConfig.parse("c", CFG)));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse("c", CFG).withConstant("Nope", "1"));
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.parse("c", "Fault = 1\n"));
    }

    @Test
    void aVariantRejectedByAnotherInvariantFails() throws IOException {
        Suite.Row row = Suite.parse("s", "v MCAsys.cfg NoHookCheck reject ReturnedOnce").get(0);
        Outcome o = Outcome.judge(row, TlcOutputTest.recorded("invariant-violation.out", 12), 1, "d");
        assertFalse(o.asExpected());
        assertEquals("violates IdentityUnique", o.result());
    }

    @Test
    void anUnnamedPropertyViolationCountsOnlyForAPropertyRow() throws IOException {
        Suite.Row row = Suite.parse("s", "v MCAsys.cfg X reject IdentityUnique").get(0);
        TlcOutput lasso = TlcOutputTest.recorded("liveness-lasso.out", 13);
        assertFalse(Outcome.judge(row, lasso, 1, "d", false).asExpected());
        Suite.Row live = Suite.parse("s", "v MCAsys.cfg X reject EveryCallReturns").get(0);
        assertTrue(Outcome.judge(live, lasso, 1, "d", true).asExpected());
    }

    @Test
    void aVariantThatPassesFailsAndSoDoesAHealthyRunThatDoesNot() throws IOException {
        Suite.Row variant = Suite.parse("s", "v MCAsys.cfg X reject IdentityUnique").get(0);
        assertFalse(Outcome.judge(variant, TlcOutputTest.recorded("pass-liveness.out", 0), 1, "d").asExpected());
        Suite.Row healthy = Suite.parse("s", "h MCAsys.cfg - pass").get(0);
        assertFalse(Outcome.judge(healthy, TlcOutputTest.recorded("deadlock.out", 11), 1, "d").asExpected());
        assertFalse(Outcome.judge(healthy, TlcOutputTest.recorded("parse-error.out", 150), 1, "d").asExpected());
        assertTrue(Outcome.judge(healthy, TlcOutputTest.recorded("pass-liveness.out", 0), 1, "d").asExpected());
    }

    @Test
    void anIncludedSuitesRowsStandInItsPlaceAndACycleOrAClashIsRefused(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("shared.suite"), "v MCAsys_small.cfg QuickPosts reject CompletionOnce\n");
        Files.writeString(dir.resolve("a.suite"), "p MCAsys.cfg - pass\ninclude shared.suite\nw MCAsys_witness.cfg - reach Unreached_X\n");
        assertEquals(List.of("p", "v", "w"), Suite.read(dir.resolve("a.suite")).stream().map(Suite.Row::name).toList());
        Files.writeString(dir.resolve("b.suite"), "v MCAsys.cfg - pass\ninclude shared.suite\n");
        var clash = assertThrows(IllegalArgumentException.class, () -> Suite.read(dir.resolve("b.suite")));
        assertTrue(clash.getMessage().contains("duplicate name 'v'"), clash.getMessage());
        Files.writeString(dir.resolve("c.suite"), "include c.suite\n");
        var cycle = assertThrows(IllegalArgumentException.class, () -> Suite.read(dir.resolve("c.suite")));
        assertTrue(cycle.getMessage().contains("included by itself"), cycle.getMessage());
        Files.writeString(dir.resolve("d.suite"), "include missing.suite\n");
        var missing = assertThrows(IllegalArgumentException.class, () -> Suite.read(dir.resolve("d.suite")));
        assertTrue(missing.getMessage().contains("included suite not found"), missing.getMessage());
    }

    @Test
    void theShippedSuitesParseAndNameExistingConfigs() throws IOException {
        Path dir = Path.of("..", "model-check").toAbsolutePath().normalize();
        for (String s : List.of("check.suite", "test.suite", "variants.suite", "full.suite", "distributed.suite", "distributed-control.suite")) {
            for (Suite.Row r : Suite.read(dir.resolve(s))) {
                Path cfg = dir.resolve(r.config());
                assertTrue(Files.isRegularFile(cfg), s + " names missing " + cfg);
                ModelConfig c = Main.derive(r, ModelConfig.parse(cfg.toString(), Files.readString(cfg)));
                if (s.startsWith("distributed")) Main.deriveDistributed(r, c);
            }
        }
    }

    @Test
    void aDistributedRunChecksExactlyTheRowsPropertyAndRefusesTemporalOnes() {
        String cfg = "INIT Init\nNEXT Next\nINVARIANTS\n  TypeOK\n  CompletionOnce\nPROPERTIES\n  Refinement\n";
        Suite.Row inv = new Suite.Row("v", "X.cfg", "QuickPosts", Suite.Kind.REJECT, "CompletionOnce", 1);
        ModelConfig c = Main.deriveDistributed(inv, ModelConfig.parse("X.cfg", cfg));
        assertEquals(List.of("CompletionOnce"), c.names("INVARIANTS"));
        assertEquals(List.of(), c.names("PROPERTIES"));
        Suite.Row ref = new Suite.Row("v", "X.cfg", "LimitSkipsInProgress", Suite.Kind.REJECT, "Refinement", 1);
        c = Main.deriveDistributed(ref, ModelConfig.parse("X.cfg", cfg));
        assertEquals(List.of(), c.names("INVARIANTS"));
        assertEquals(List.of("Refinement"), c.names("PROPERTIES"));
        Suite.Row live = new Suite.Row("l", "X.cfg", "-", Suite.Kind.PASS, null, 1);
        var e = assertThrows(IllegalArgumentException.class, () -> Main.deriveDistributed(live,
                ModelConfig.parse("X.cfg", "INIT Init\nNEXT Next\nPROPERTIES\n  EveryCallReturns\n")));
        assertTrue(e.getMessage().contains("does not check the temporal property EveryCallReturns"), e.getMessage());
    }
}
