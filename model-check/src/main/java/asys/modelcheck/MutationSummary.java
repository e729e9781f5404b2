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
 * {@code mutation: K killed of M mutants, S survived, N no coverage; score P %}. Exit 2 when the
 * report is missing or unreadable.
 */
public final class MutationSummary {

    private static final Pattern MUTATION = Pattern.compile("<mutation\\b[^>]*\\bstatus='([A-Z_]+)'[^>]*>(.*?)</mutation>", Pattern.DOTALL);

    private MutationSummary() {}

    static String field(String body, String name) {
        Matcher m = Pattern.compile("<" + name + ">(.*?)</" + name + ">", Pattern.DOTALL).matcher(body);
        return m.find() ? m.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") : "";
    }

    public static void main(String[] args) {
        Path report = Path.of(args.length > 0 ? args[0] : "impl/target/pit-reports/mutations.xml");
        String xml;
        try {
            xml = Files.readString(report);
        } catch (IOException e) {
            System.err.println("mutation: no PIT report at " + report + " (" + e.getMessage() + "): did PIT run?");
            System.exit(2);
            return;
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
            System.err.println("mutation: " + report + " lists no mutants");
            System.exit(2);
        }
        int killed = byStatus.getOrDefault("KILLED", 0), timedOut = byStatus.getOrDefault("TIMED_OUT", 0);
        int memory = byStatus.getOrDefault("MEMORY_ERROR", 0), runError = byStatus.getOrDefault("RUN_ERROR", 0);
        int survived = byStatus.getOrDefault("SURVIVED", 0), noCoverage = byStatus.getOrDefault("NO_COVERAGE", 0);
        int detected = killed + timedOut + memory + runError;   // PIT counts these as detected
        System.out.print(survivors);
        System.out.println("  by status: " + byStatus);
        System.out.printf("mutation: %d killed of %d mutants, %d survived, %d no coverage; score %.1f %%%n",
                detected, total, survived, noCoverage, 100.0 * detected / total);
    }
}
