package asys.conformance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays the behaviours in a directory (TLC's simulation output) on runtimes with the given
 * settings, in this JVM: the teeth of replay run it with the fault build of the runtime and
 * {@code -Dasys.fault=NAME}. Prints {@code replay: N behaviours, S steps, M mismatches} and the
 * first mismatches; exits 0 either way (2 on bad arguments), the caller judges.
 *
 * <p>Usage: {@code ReplayMain DIR LANES SPARE_CAPACITY THREAD_LIMIT IN_FLIGHT_LIMIT}.
 */
public final class ReplayMain {

    private ReplayMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: ReplayMain DIR LANES SPARE_CAPACITY THREAD_LIMIT IN_FLIGHT_LIMIT");
            System.exit(2);
        }
        int[] n = new int[4];
        for (int i = 0; i < 4; i++) n[i] = Integer.parseInt(args[i + 1]);
        List<Path> files = Replay.files(Path.of(args[0]));
        int steps = 0;
        List<String> mismatches = new ArrayList<>();
        for (Path f : files) {
            Replay.Result r = Replay.replay(f, n[0], n[1], n[2], n[3]);
            steps += r.steps();
            r.mismatches().forEach(m -> mismatches.add(f.getFileName() + ": " + m));
        }
        mismatches.stream().limit(5).forEach(m -> System.out.println("MISMATCH " + m));
        System.out.printf("replay: %d behaviours, %d steps, %d mismatches%n", files.size(), steps, mismatches.size());
        System.exit(0);
    }
}
