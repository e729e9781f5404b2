package asys.conformance;

import asys.runtime.AsysRuntime;
import asys.runtime.Identity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A task or a call handed to an identity from another thread as the identity closes: each gets
 * exactly one outcome (ExactlyOneOutcome). A task runs, or {@code execute} refuses it; a call
 * submitted for a future from off the loop (which travels as a task) completes its future, with
 * its value or refused, or {@code submit} refuses it. Each round makes a runtime and an identity
 * whose loop sleeps with nothing to do; a thread hands it a task (even rounds) or a call (odd
 * rounds) while this one closes the identity, and once the loop has ended, what was handed over
 * must have had its outcome. In the fault build, {@code -Dasys.fault.wideCloseWindow=true} makes
 * {@code execute} wait a moment between its check of a close and its queueing, so that the close
 * lands in between and the loop ends meanwhile: the race the runtime must handle. TeethTest runs
 * it with and without a fault ({@code TaskLostAtClose}).
 * Usage: CloseRaceMain DIR ROUNDS; writes violations.txt in DIR.
 */
public final class CloseRaceMain {

    private CloseRaceMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: CloseRaceMain DIR ROUNDS");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<String> violations = new ArrayList<>();
        int ran = 0, refused = 0;
        for (int r = 0; r < rounds; r++) {
            boolean call = r % 2 == 1;
            String what = call ? "a call submitted from another thread" : "a task from another thread";
            try (AsysRuntime rt = AsysRuntime.builder().lanes(1).build()) {
                Identity u = rt.newIdentity("closing");
                AtomicBoolean taskRan = new AtomicBoolean();
                AtomicBoolean taskRefused = new AtomicBoolean();
                CompletableFuture<CompletableFuture<Integer>> future = new CompletableFuture<>();
                CountDownLatch handing = new CountDownLatch(1);
                Thread submitter = new Thread(() -> {
                    handing.countDown();
                    try {
                        if (call) future.complete(u.submit(() -> 42));
                        else u.execute(() -> { if (taskRan.getAndSet(true)) throw new IllegalStateException("ran twice"); });
                    } catch (RejectedExecutionException e) {
                        taskRefused.set(true);
                        future.complete(CompletableFuture.failedFuture(e));
                    }
                }, "submitter");
                submitter.start();
                handing.await();
                u.close();
                submitter.join(10_000);
                try {
                    u.ended().get(2, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    violations.add("round " + r + ": the closed identity's loop did not end within 2 s");
                    continue;
                }
                if (call) {
                    try {
                        Integer v = future.get(2, TimeUnit.SECONDS).get(2, TimeUnit.SECONDS);
                        if (v != 42) violations.add("Result: round " + r + ": " + what + " gave " + v);
                        ran++;
                    } catch (TimeoutException e) {
                        violations.add("ExactlyOneOutcome: round " + r + ": " + what
                                + " as its identity closed had no outcome 2 s after the loop ended");
                    } catch (ExecutionException e) {
                        if (e.getCause() instanceof RejectedExecutionException) refused++;
                        else violations.add("round " + r + ": " + what + " failed with " + e.getCause());
                    }
                } else if (taskRan.get() == taskRefused.get()) {
                    violations.add("ExactlyOneOutcome: round " + r + ": " + what + " as its identity closed "
                            + (taskRan.get() ? "ran and was refused" : "neither ran nor was refused"));
                } else if (taskRan.get()) {
                    ran++;
                } else {
                    refused++;
                }
            }
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve("violations.txt"), violations);
        System.out.println("close-race: fault " + System.getProperty("asys.fault", "none") + ", " + rounds + " rounds, "
                + ran + " ran, " + refused + " refused, " + violations.size() + " violations");
        System.exit(0);   // a faulty runtime may leave threads behind
    }
}
