package asys.conformance;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.Call;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A call that blocks at the edge of its stack, where the handoff itself could overflow: each
 * round, on a runtime of its own, a call recurses until the stack overflows and blocks in the
 * frame that caught it (where that block overflows, one frame up tries again); it must get its
 * one outcome within 5 s, a call after it must too (its loop goes on), and the runtime must
 * close. TeethTest runs it with and without a fault.
 * Usage: StackEdgeMain DIR ROUNDS; writes violations.txt in DIR.
 */
public final class StackEdgeMain {

    private StackEdgeMain() {}

    /** Recurses to the edge of the stack, then blocks; returns the depth it blocked at. */
    static int blockAtTheEdgeOfTheStack(int depth) throws InterruptedException {
        try {
            return blockAtTheEdgeOfTheStack(depth + 1);
        } catch (StackOverflowError e) {
            Blocking.sleep(Duration.ofMillis(1));
            return depth;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: StackEdgeMain DIR ROUNDS");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<String> violations = new ArrayList<>();
        for (int r = 0; r < rounds && violations.isEmpty(); r++) {
            AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1)
                    .stallThreshold(Duration.ZERO)   // the recursion holds its loop a while: no stall report with its deep stack
                    .closeOnExit(Duration.ofSeconds(1))   // a faulty round's call in flight: reported at exit, not waited for long
                    .uncaughtErrorHandler((what, t) -> System.out.println("stack-edge: reported: " + what + ": " + t))
                    .build();
            Identity u = rt.newIdentity("edge");
            String edge = outcome(u, () -> blockAtTheEdgeOfTheStack(0)), next;
            if (edge != null) {
                violations.add(edge.replace("%s", "round " + r + ": the call that blocked at the edge of its stack"));
            } else if ((next = outcome(u, () -> { Blocking.sleep(Duration.ofMillis(1)); return 0; })) != null) {
                violations.add(next.replace("%s", "round " + r + ": the call after the one that blocked at the edge of its stack"));
            } else if (!rt.close(Duration.ofSeconds(5))) {
                violations.add("Close: round " + r + ": the runtime did not close within 5 s");
            }
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve("violations.txt"), violations);
        System.out.println("stack-edge: fault " + System.getProperty("asys.fault", "none") + ", " + rounds + " rounds, "
                + violations.size() + " violations");
        System.exit(0);   // a faulty runtime may leave threads behind
    }

    /** Submits {@code call} on {@code u}'s loop; null when it got its value within 5 s, else the
     *  property broken and what went wrong, {@code %s} standing for the call. */
    private static String outcome(Identity u, Call<Integer> call) throws InterruptedException {
        CompletableFuture<CallHandle<Integer>> submitted = new CompletableFuture<>();
        u.execute(() -> submitted.complete(u.submit(call, h -> { })));
        try {
            submitted.get(5, TimeUnit.SECONDS).future().get(5, TimeUnit.SECONDS);
            return null;
        } catch (TimeoutException e) {
            return "ExactlyOneOutcome: %s had no outcome within 5 s";
        } catch (ExecutionException e) {
            return "Result: %s failed: " + e.getCause();
        }
    }
}
