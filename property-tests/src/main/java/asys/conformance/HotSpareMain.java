package asys.conformance;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The hot spare's wake-ups, where nothing else would wake a spare: a lane that hands over often
 * (a window of seconds), spares that park at once ({@code spinBeforePark} 0) and a keep-alive of
 * a minute, so a spare woken to spin that misses its wake-up sleeps past every deadline here.
 * Each round, a task queues two calls that block and then a task; the loop must run that task
 * (on the spare the second call's HookFire hands it to) within 2 s, and each call must get its
 * one outcome once released. TeethTest runs it with and without a fault.
 * Usage: HotSpareMain DIR ROUNDS; writes violations.txt in DIR.
 */
public final class HotSpareMain {

    private HotSpareMain() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: HotSpareMain DIR ROUNDS");
            System.exit(2);
        }
        Path dir = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        List<String> violations = new ArrayList<>();
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(4).spinBeforePark(Duration.ZERO)
                .hotSpare(Duration.ofSeconds(5)).spareKeepAlive(Duration.ofMinutes(1)).build();
        Identity u = rt.newIdentity("hot");
        for (int r = 0; r < rounds && violations.isEmpty(); r++) {
            Semaphore a = new Semaphore(0), b = new Semaphore(0);
            CompletableFuture<Void> next = new CompletableFuture<>();
            List<CallHandle<Integer>> calls = new ArrayList<>();
            int round = r;
            u.execute(() -> {
                calls.add(u.submit(() -> { Blocking.acquire(a); return round; }, h -> { }));
                calls.add(u.submit(() -> { Blocking.acquire(b); return round; }, h -> { }));
                u.execute(() -> next.complete(null));
            });
            try {
                next.get(2, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                violations.add("NeverStalls: round " + r + ": the loop did not run its next task within 2 s of its calls blocking");
            }
            a.release();
            b.release();
            for (CallHandle<Integer> c : List.copyOf(calls)) {
                try {
                    c.future().get(2, TimeUnit.SECONDS);
                    if (c.outcome() != Outcome.IN_PROGRESS) violations.add("round " + r + ": call " + c.id() + " was " + c.outcome());
                } catch (java.util.concurrent.TimeoutException e) {
                    violations.add("ExactlyOneOutcome: round " + r + ": call " + c.id() + " had no outcome within 2 s of its release");
                }
            }
        }
        Files.createDirectories(dir);
        Files.write(dir.resolve("violations.txt"), violations);
        System.out.println("hot-spare: fault " + System.getProperty("asys.fault", "none") + ", " + rounds + " rounds, "
                + violations.size() + " violations");
        System.exit(0);   // a faulty runtime may leave threads behind
    }
}
