package asys.example;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

/** The README's first example and the example of {@link AsysRuntime}'s class documentation,
 *  compiled and run here; {@link ExampleTest} checks that each is shown verbatim. */
final class FirstExample {

    private FirstExample() {}

    /** The README's first example. */
    static void readme() throws InterruptedException {
        // readme:begin
        try (AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1).build()) {
            Identity loop = rt.newIdentity("example");
            CountDownLatch done = new CountDownLatch(2);
            loop.execute(() -> {
                // Does not block: runs inline on the loop's thread, QUICK, its handler at once.
                loop.submit(() -> 6 * 7, r -> { System.out.println(r.outcome() + " " + r.value()); done.countDown(); });
                // Blocks: the loop moves to the spare thread and goes on; the result comes later.
                loop.submit(() -> { Blocking.sleep(Duration.ofMillis(50)); return "slept"; },
                        r -> { System.out.println(r.outcome() + " " + r.value()); done.countDown(); });
            });
            done.await();
        }
        // readme:end
    }

    /** The example in {@link AsysRuntime}'s class documentation. */
    static void javadoc() {
        // javadoc:begin
        try (AsysRuntime rt = AsysRuntime.builder().lanes(2).spareCapacity(2).build()) {
            Identity loop = rt.newIdentity("main");
            CompletableFuture<Outcome> slept = new CompletableFuture<>();
            loop.execute(() -> loop.submit(() -> { Blocking.sleep(Duration.ofMillis(5)); return "done"; },
                    r -> slept.complete(r.outcome())));
            System.out.println("slept: " + slept.join());   // IN_PROGRESS: the call blocked, the loop went on
        }
        // javadoc:end
    }
}
