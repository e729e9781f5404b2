package asys.example;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/** The README's first example and the example of {@link AsysRuntime}'s class documentation,
 *  compiled and run here; {@link ExampleTest} checks that each is shown verbatim. */
final class FirstExample {

    private FirstExample() {}

    /** The README's first example. */
    static void readme() {
        // readme:begin
        try (AsysRuntime rt = AsysRuntime.builder().build()) {
            Identity loop = rt.newIdentity("example");
            CompletableFuture<Integer> quick = loop.submit(() -> 6 * 7);  // does not block: runs inline, QUICK
            CompletableFuture<String> slept = loop.submit(() -> {         // blocks: the loop moves to a spare
                Blocking.sleep(Duration.ofMillis(50));                    // thread and goes on; this call
                return "slept";                                           // finishes on a worker
            });
            System.out.println(quick.join() + " " + slept.join() + ", hook fires: " + rt.counters().hookFires());
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
