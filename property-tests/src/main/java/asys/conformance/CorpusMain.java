package asys.conformance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code count} seeded workloads (in a JVM started with {@code -Dasys.fault=NAME}), writes
 * their traces and, in violations.txt, what the runner's own checks found. TeethTest starts it with a fault switched on; make trace-throughput without one.
 * Usage: CorpusMain DIR SEED COUNT [raw]; with {@code raw}, calls block in the plain JDK and the
 * runtime has the automatic hook ({@link WorkloadRunner.Mode#RAW}).
 */
public final class CorpusMain {

    private CorpusMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && !(args.length == 4 && args[3].equals("raw"))) {
            System.err.println("usage: CorpusMain DIR SEED COUNT [raw]");
            System.exit(2);
        }
        WorkloadRunner.Mode mode = args.length == 4 ? WorkloadRunner.Mode.RAW : WorkloadRunner.Mode.BLOCKING;
        Path dir = Path.of(args[0]);
        // With a fault on, three runs that show a violation are evidence enough (a faulty runtime
        // can be slow to fail); without one, every run is written.
        boolean faulty = !System.getProperty("asys.fault", "none").equals("none");
        List<WorkloadRunner.Run> runs = Corpus.runAndWrite(Long.parseLong(args[1]), Integer.parseInt(args[2]), dir,
                faulty ? 3 : Integer.MAX_VALUE, mode, "trace");
        List<String> found = new ArrayList<>();
        for (int k = 0; k < runs.size(); k++) {
            for (String v : runs.get(k).violations()) found.add(String.format("trace-%04d: %s", k, v));
        }
        Files.write(dir.resolve("violations.txt"), found);
        System.out.println("corpus: fault " + System.getProperty("asys.fault", "none") + ", " + mode + ", " + runs.size() + " workloads, "
                + found.size() + " violations");
        System.exit(0);   // a faulty runtime may leave threads behind
    }
}
