package asys.modelcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** TLC's printed values are read back into structure. */
class TlaValueTest {

    @Test
    void aFunctionOverModelValuesIsAMappingByKey() {
        TlaValue v = TlaValue.parse("( k1 :> \"User\" @@\n  k2 :> \"Pooled\" )");
        TlaValue.Mapping m = (TlaValue.Mapping) v;
        assertEquals(List.of("k1", "k2"), List.copyOf(m.entries().keySet()));
        assertEquals("\"Pooled\"", m.entries().get("k2").text());
        assertEquals("(k1 :> \"User\" @@ k2 :> \"Pooled\")", v.text());
    }

    @Test
    void nestedSetsSequencesAndRecordsRoundTrip() {
        String text = "[a |-> <<1, -2, {}>>, b |-> {x1, x2}, c |-> (u1 :> {x1})]";
        assertEquals(text, TlaValue.parse(text).text());
    }

    @Test
    void stringsKeepEscapedQuotes() {
        TlaValue.Atom a = (TlaValue.Atom) TlaValue.parse("\"say \\\"hi\\\"\"");
        assertEquals("say \\\"hi\\\"", a.bare());
    }

    @Test
    void theActionTupleGivesNameAndArguments() {
        TlaValue.Collection act = (TlaValue.Collection) TlaValue.parse("<<\"Submit\", k1, x1, {\"ATOMIC\"}>>");
        assertTrue(act.isSequence());
        assertEquals(4, act.elements().size());
        assertEquals("Submit", ((TlaValue.Atom) act.elements().get(0)).bare());
    }

    @Test
    void equalValuesCompareEqualWhateverTheirLayout() {
        assertEquals(TlaValue.parse("(k1 :> 1 @@ k2 :> 2)"), TlaValue.parse("( k1 :> 1 @@\n k2 :> 2 )"));
    }

    @Test
    void badInputIsRejectedWithItsOffset() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TlaValue.parse("<<1, 2"));
        assertTrue(e.getMessage().contains("offset"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TlaValue.parse("{1} junk"));
        assertThrows(IllegalArgumentException.class, () -> TlaValue.parse("\"open"));
        assertThrows(IllegalArgumentException.class, () -> TlaValue.parse(""));
    }
}
