package asys.bench;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
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
 *
 * <p>The loop-side sample, without the benchmark's own wake-ups: a task on the loop takes a
 * timestamp ({@link #queuedAt}), queues {@link #timedProbe} and starts the blocking call; the
 * probe takes the second when the loop runs it. The delays are counted in {@link Delays}.
 */
public abstract class StallProbe {

    private volatile boolean probeRan;
    private volatile Thread waiter;
    final Work.Batch blockingCall = new Work.Batch();
    final Runnable probe = () -> {
        probeRan = true;
        LockSupport.unpark(waiter);
    };

    /** The loop-side sample: taken on the loop when it queues the probe, and when it runs it. */
    volatile long queuedAt, delay;
    final Runnable timedProbe = () -> {
        delay = System.nanoTime() - queuedAt;
        probe.run();
    };

    /** The call that blocks 1 ms, as the contenders other than asys make it. */
    abstract long call() throws Exception;

    /** The call run inline, its result to {@link #blockingCall}. */
    void runCall() {
        try {
            blockingCall.done(0, call());
        } catch (Exception e) {
            blockingCall.wrong(e);
        }
    }

    /** A plain loop's sample: the call inline, the probe queued behind it; with {@code d}, as the
     *  loop sees it (the loop queues the probe and takes the timestamps), else as the measuring
     *  thread does. */
    void onPlainLoop(Plain p, Delays d) {
        arm();
        if (d == null) {
            p.loop.execute(this::runCall);
            p.loop.execute(probe);
        } else {
            p.loop.execute(() -> {
                queuedAt = System.nanoTime();
                p.loop.execute(timedProbe);
                runCall();
            });
        }
        awaitProbe();
        if (d != null) d.add(delay);
    }

    /** Vert.x's sample: the call given to its workers through {@code executeBlocking}, its result
     *  back on the event loop, which runs the probe; with {@code d}, as the loop sees it. */
    void onVertx(VertxLoop v, Delays d) {
        arm();
        v.ctx.runOnContext(ignored -> {
            if (d != null) queuedAt = System.nanoTime();
            v.vertx.executeBlocking(this::call, false).onComplete(ar -> {
                if (ar.failed()) blockingCall.wrong(ar.cause());
                blockingCall.done(0, ar.succeeded() ? ar.result() : -1);
            });
            v.ctx.runOnContext(x -> (d == null ? probe : timedProbe).run());
        });
        awaitProbe();
        if (d != null) d.add(delay);
    }

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

    /** Loop-side delays of an iteration, in buckets: {@code withinX} counts the delays no longer
     *  than X; with {@code samples}, the first bound that holds 50 %, 99 % or 99.9 % of them is
     *  that percentile, to the bucket. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Delays {
        public long samples, delayNanos;
        public long within2us, within5us, within10us, within20us, within50us, within100us, within200us,
                within500us, within1ms, within2ms;

        @Setup(Level.Iteration)
        public void reset() {
            samples = delayNanos = 0;
            within2us = within5us = within10us = within20us = within50us = within100us = within200us = 0;
            within500us = within1ms = within2ms = 0;
        }

        void add(long ns) {
            samples++;
            delayNanos += ns;
            if (ns <= 2_000) within2us++;
            if (ns <= 5_000) within5us++;
            if (ns <= 10_000) within10us++;
            if (ns <= 20_000) within20us++;
            if (ns <= 50_000) within50us++;
            if (ns <= 100_000) within100us++;
            if (ns <= 200_000) within200us++;
            if (ns <= 500_000) within500us++;
            if (ns <= 1_000_000) within1ms++;
            if (ns <= 2_000_000) within2ms++;
        }
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
