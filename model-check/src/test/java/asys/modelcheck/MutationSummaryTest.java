package asys.modelcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** make mutation's last line, and its exit code: 0 at or above the goal, 1 below, 2 without a report. */
class MutationSummaryTest {

    @TempDir
    Path dir;

    private static String mutation(String status, String line) {
        return "<mutation detected='x' status='" + status + "' numberOfTestsRun='1'><sourceFile>A.java</sourceFile>"
                + "<mutatedClass>asys.runtime.A</mutatedClass><mutatedMethod>run</mutatedMethod><lineNumber>" + line
                + "</lineNumber><description>removed call to &lt;init&gt;</description></mutation>";
    }

    private int run(String xml, String... goal) throws Exception {
        Path report = dir.resolve("mutations.xml");
        Files.writeString(report, "<?xml version='1.0'?><mutations>" + xml + "</mutations>");
        String[] args = goal.length == 0 ? new String[] {report.toString()} : new String[] {report.toString(), goal[0]};
        out.reset();
        return MutationSummary.run(args, new PrintStream(out, true), new PrintStream(err, true));
    }

    private final ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();

    @Test
    void timeoutsCountAsKilledAndEachSurvivorIsListedBeforeTheSummaryLine() throws Exception {
        String xml = mutation("KILLED", "1") + mutation("TIMED_OUT", "2") + mutation("SURVIVED", "3") + mutation("NO_COVERAGE", "4");
        assertEquals(1, run(xml), "50 % is below the goal of 85 %");
        String[] lines = out.toString().split("\n");
        assertEquals("  SURVIVED    A:3 run: removed call to <init>", lines[0]);
        assertEquals("  NO_COVERAGE A:4 run: removed call to <init>", lines[1]);
        assertEquals("  goal: 85.0 %, NOT met", lines[3]);
        assertEquals("mutation: 2 killed of 4 mutants, 1 survived, 1 no coverage; score 50.0 %", lines[lines.length - 1]);
        assertEquals(0, run(xml, "50"), "at the goal passes");
    }

    @Test
    void aMissingReportOrAnUnreadableGoalIsAnErrorSayingWhat() throws Exception {
        assertEquals(2, MutationSummary.run(new String[] {dir.resolve("none.xml").toString()}, new PrintStream(out), new PrintStream(err, true)));
        assertTrue(err.toString().contains("no PIT report at"), err.toString());
        assertEquals(2, run(mutation("KILLED", "1"), "most"));
        assertTrue(err.toString().contains("the goal must be a percentage such as 85, got 'most'"), err.toString());
        assertEquals(2, run(""));
        assertTrue(err.toString().contains("lists no mutants"), err.toString());
    }
}
