package asys.modelcheck;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code make mutation}'s last step: reads PIT's {@code mutations.xml} and prints the surviving
 * mutants (class, line, method, what was changed), then
 * {@code mutation: K killed of M mutants, S survived, N no coverage; score P %}. Exit 1 when the
 * score is below the goal (85 %, or the second argument), 2 when the report is missing or unreadable.
 */
public final class MutationSummary {

    private static final Pattern MUTATION = Pattern.compile("<mutation\\b[^>]*\\bstatus='([A-Z_]+)'[^>]*>(.*?)</mutation>", Pattern.DOTALL);

    /** The goal for the runtime's mutation score, in percent. */
    static final double DEFAULT_GOAL = 85.0;

    private MutationSummary() {}

    static String field(String body, String name) {
        Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">", Pattern.DOTALL).matcher(body);
        return m.find() ? m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") : "";
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) System.exit(code);
    }

    /** The whole of main, with its streams given; returns the exit code. */
    static int run(String[] args, java.io.PrintStream out, java.io.PrintStream err) {
        Path report = Path.of(args.length > 0 ? args[0] : "impl/target/pit-reports/mutations.xml");
        double goal;
        try {
            goal = args.length > 1 ? Double.parseDouble(args[1]) : DEFAULT_GOAL;
        } catch (NumberFormatException e) {
            err.println("mutation: the goal must be a percentage such as 85, got '" + args[1] + "'");
            return 2;
        }
        String xml;
        try {
            xml = Files.readString(report);
        } catch (IOException e) {
            err.println("mutation: no PIT report at " + report + " (" + e.getMessage() + "): did PIT run?");
            return 2;
        }
        Map<String, Integer> byStatus = new TreeMap<>();
        int total = 0;
        StringBuilder survivors = new StringBuilder();
        Matcher m = MUTATION.matcher(xml);
        while (m.find()) {
            total++;
            String status = m.group(1), body = m.group(2);
            byStatus.merge(status, 1, Integer::sum);
            if (status.equals("SURVIVED") || status.equals("NO_COVERAGE")) {
                String cls = field(body, "mutatedClass");
                survivors.append(String.format("  %-11s %s:%s %s: %s%n", status, cls.substring(cls.lastIndexOf('.') + 1),
                        field(body, "lineNumber"), field(body, "mutatedMethod"), field(body, "description")));
            }
        }
        if (total == 0) {
            err.println("mutation: " + report + " lists no mutants");
            return 2;
        }
        int killed = byStatus.getOrDefault("KILLED", 0), timedOut = byStatus.getOrDefault("TIMED_OUT", 0);
        int memory = byStatus.getOrDefault("MEMORY_ERROR", 0), runError = byStatus.getOrDefault("RUN_ERROR", 0);
        int survived = byStatus.getOrDefault("SURVIVED", 0), noCoverage = byStatus.getOrDefault("NO_COVERAGE", 0);
        int detected = killed + timedOut + memory + runError;   // PIT counts these as detected
        out.print(survivors);
        double score = 100.0 * detected / total;
        out.println("  by status: " + byStatus);
        out.printf("  goal: %.1f %%, %s%n", goal, score >= goal ? "met" : "NOT met");
        out.printf("mutation: %d killed of %d mutants, %d survived, %d no coverage; score %.1f %%%n",
                detected, total, survived, noCoverage, score);
        return score < goal ? 1 : 0;
    }
}
