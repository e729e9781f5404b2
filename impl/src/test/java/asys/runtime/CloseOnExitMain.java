package asys.runtime;

import java.time.Duration;

/** A program that forgets to close its runtime, for {@link CloseOnExitTest}: main submits a call
 *  that blocks for {@code args[1]} ms and returns at once, with the exit hook's wait {@code args[0]} ms. */
final class CloseOnExitMain {
    public static void main(String[] args) {
        AsysRuntime rt = AsysRuntime.builder().closeOnExit(Duration.ofMillis(Long.parseLong(args[0]))).build();
        Identity loop = rt.newIdentity("forgotten");
        long ms = Long.parseLong(args[1]);
        loop.submit(() -> { Blocking.sleep(Duration.ofMillis(ms)); return "slept"; })
                .thenAccept(v -> System.out.println("outcome: " + v));
        System.out.println("main returns");
    }
}
