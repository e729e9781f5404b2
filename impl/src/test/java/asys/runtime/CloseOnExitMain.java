package asys.runtime;

import java.time.Duration;

/** A program that forgets to close its runtime, for {@link CloseOnExitTest}: main submits a call
 *  that blocks for {@code args[1]} ms and returns once the call is in flight (its code running on
 *  the loop: a call whose task the loop has not yet reached when the hook closes the identity is
 *  refused, not in flight), with the exit hook's wait {@code args[0]} ms. */
final class CloseOnExitMain {
    public static void main(String[] args) throws InterruptedException {
        AsysRuntime rt = AsysRuntime.builder().closeOnExit(Duration.ofMillis(Long.parseLong(args[0]))).build();
        Identity loop = rt.newIdentity("forgotten");
        long ms = Long.parseLong(args[1]);
        java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
        loop.submit(() -> { started.countDown(); Blocking.sleep(Duration.ofMillis(ms)); return "slept"; })
                .thenAccept(v -> System.out.println("outcome: " + v));
        started.await();
        System.out.println("main returns");
    }
}
