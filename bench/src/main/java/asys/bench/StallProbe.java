package asys.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What the stall scenarios share (4 and 6, in the manner of JMH's inheritance sample): a loop is
 * handed a call that blocks 1 ms and, ready behind it, a probe task; the sample is the time from
 * {@link #arm} to the probe having run ({@link #awaitProbe}), seen by the measuring thread. The
 * blocking call's own result is awaited outside the measured time (invocation tear-down) and
 * checked, so that a contender that loses or breaks the call cannot look fast.
 */
public abstract class StallProbe {

    private volatile boolean probeRan;
    private volatile Thread waiter;
    final Work.Batch blockingCall = new Work.Batch();
    final Runnable probe = () -> {
        probeRan = true;
        LockSupport.unpark(waiter);
    };

    void awaitProbe() {
        while (!probeRan) LockSupport.park(this);
    }

    void arm() {
        probeRan = false;
        waiter = Thread.currentThread();
        blockingCall.arm(1);
    }

    /** Waits for the blocking call's result, outside the measured time. */
    @TearDown(Level.Invocation)
    public void blockingCallDone() throws Exception {
        blockingCall.await("the 1 ms call");
    }

    /** A plain single-thread loop. */
    @State(Scope.Benchmark)
    public static class Plain {
        ExecutorService loop;

        @Setup
        public void setup() { loop = Executors.newSingleThreadExecutor(); }

        @TearDown
        public void tearDown() throws InterruptedException {
            Work.stop(loop, "the plain loop");
        }
    }

    @State(Scope.Benchmark)
    public static class VertxLoop extends Work.VertxContext {}
}
