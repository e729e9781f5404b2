package asys.example;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.CallFlags;
import asys.runtime.Identity;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

public final class Example {
    public static void main(String[] args) throws Exception {
        CountDownLatch results = new CountDownLatch(4);
        CompletableFuture<String> disk = new CompletableFuture<>();
        AsysRuntime rt = AsysRuntime.builder().lanes(1).spareCapacity(1).build();
        try (rt) {
            Identity loop = rt.newIdentity("example");
            loop.execute(() -> {
                // Does not block: runs inline on the loop's thread, QUICK, handler at once.
                loop.submit(() -> 6 * 7,
                        r -> { System.out.println("1 " + r.outcome() + " " + r.value()); results.countDown(); });
                // Blocks: the loop moves to the spare thread and goes on; the result comes later.
                loop.submit(() -> { Blocking.sleep(Duration.ofMillis(50)); return "slept"; },
                        r -> { System.out.println("2 " + r.outcome() + " " + r.value()); results.countDown(); });
                // NONBLOCK would block: EAGAIN instead, at once.
                loop.submit(CallFlags.NONBLOCK, () -> { Blocking.sleep(Duration.ofMillis(50)); return "never"; },
                        r -> { System.out.println("3 " + r.outcome() + " " + r.eagainReason()); results.countDown(); });
                // An explicit state machine: IN_PROGRESS with no thread held.
                loop.submitStage(CallFlags.NONE, () -> disk,
                        r -> { System.out.println("4 " + r.outcome() + " " + r.value()); results.countDown(); });
            });
            loop.execute(() -> {
                System.out.println("the loop runs this task while call 2 sleeps");
                disk.complete("read");
            });
            results.await();
            System.out.println("hook fires: " + rt.counters().hookFires());
        }
        System.out.println("closed, threads left: " + rt.counters().threadsAlive());
    }
}
