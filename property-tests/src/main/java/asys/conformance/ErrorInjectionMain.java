package asys.conformance;

import com.pholser.junit.quickcheck.random.SourceOfRandomness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Makes the runtime's own steps fail: in a JVM started with
 * {@code -Dasys.inject=asys.conformance.ErrorInjector}, for every injection point the runtime
 * has, and each of {@link ErrorInjector.Kind}, runs generated workloads with that error thrown
 * at the point's first, second or third time in the run, and checks the ledger of each: workloads
 * whose calls block through {@code Blocking}, and half as many whose calls block in the plain JDK
 * on a runtime with the automatic hook.
 * Writes, under DIR, the trace of each run up to the failure ({@code inject-NNNN.jsonl}, which
 * TLC must accept) and {@code results.tsv}: one row per run (point, kind, hit, injected, lost,
 * double, orphaned, reports, violations).
 * Usage: ErrorInjectionMain DIR SEED INJECTIONS_PER_POINT_AND_KIND [POINT,POINT...] (all points by default)
 */
public final class ErrorInjectionMain {

    private ErrorInjectionMain() {}

    /** The runtime's injection points, read from the runtime itself: a new point is covered at once. */
    static List<String> points() throws ClassNotFoundException {
        List<String> out = new ArrayList<>();
        for (Object p : Class.forName("asys.runtime.Inject$Point").getEnumConstants()) out.add(p.toString());
        return out;
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 && args.length != 4) {
            System.err.println("usage: ErrorInjectionMain DIR SEED INJECTIONS_PER_POINT_AND_KIND [POINT,POINT...]");
            System.exit(2);
        }
        if (!ErrorInjector.class.getName().equals(System.getProperty("asys.inject"))) {
            System.err.println("ErrorInjectionMain needs -Dasys.inject=" + ErrorInjector.class.getName());
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        Corpus.recreate(dir);
        long seed = Long.parseLong(args[1]);
        int perCase = Integer.parseInt(args[2]);
        SourceOfRandomness r = new SourceOfRandomness(new Random(seed));
        WorkloadGenerator g = new WorkloadGenerator();
        List<String> rows = new ArrayList<>();
        int file = 0;
        List<String> points = args.length == 4 ? List.of(args[3].split(",")) : points();
        if (!points().containsAll(points)) {
            System.err.println("unknown injection point in " + points + "; the runtime's points: " + points());
            System.exit(2);
        }
        for (String point : points) {
            for (ErrorInjector.Kind kind : ErrorInjector.Kind.values()) {
              // Blocks through Blocking's primitives, and (half as many) raw JDK blocks seen by the agent.
              for (WorkloadRunner.Mode mode : WorkloadRunner.Mode.values()) {
                int injected = 0;
                int wanted = mode == WorkloadRunner.Mode.BLOCKING ? perCase : Math.max(1, perCase / 2);
                // A point a workload may not reach (Allocate needs an empty pool): more tries than injections.
                for (int attempt = 0; attempt < 4 * wanted && injected < wanted; attempt++) {
                    Workload w = g.generate(r, null);
                    ErrorInjector.Run inj = new ErrorInjector.Run(point, kind, 1 + attempt % 3);
                    WorkloadRunner.Run run = WorkloadRunner.run(w, mode, inj);
                    if (inj.injected()) {
                        injected++;
                        Files.write(dir.resolve(String.format("inject-%04d.jsonl", file)), run.trace().subList(0, inj.cutAt));
                    }
                    rows.add(String.join("\t", point, kind.name() + (mode == WorkloadRunner.Mode.RAW ? "/raw" : ""), String.valueOf(inj.hit), String.valueOf(inj.injected()),
                            String.valueOf(inj.lost), String.valueOf(inj.doubled), String.valueOf(inj.orphaned()),
                            String.valueOf(inj.reports()), inj.injected() ? String.format("inject-%04d", file) : "-",
                            String.join(" | ", run.violations()).replace('\t', ' ').replace('\n', ' ') + " " + w));
                    if (inj.injected()) file++;
                }
                System.out.printf("errors: %-16s %-17s %-8s %d injections%n", point, kind, mode, injected);
              }
            }
        }
        Files.write(dir.resolve("results.tsv"), rows);
        System.exit(0);   // a thread a failed run left behind must not keep this JVM
    }
}
