package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenario 4, loop stall: a loop is given a call that blocks 1 ms and, ready behind it, a probe
 * task; the sample is the time from handing the loop that work to the probe having run (seen by
 * the measuring thread, so two thread wake-ups are included). JMH's sample mode gives p50, p99 and
 * p99.9. The blocking call's own completion is awaited outside the measured time (invocation
 * teardown), and checked.
 *
 * <p>The {@code *OnLoop} benchmarks measure the runtime's own delay, without the benchmark's
 * wake-ups: a task on the loop takes a timestamp, queues the probe, and starts the blocking call;
 * the probe, when the loop runs it, takes the second. The delays are counted in buckets
 * ({@link StallProbe.Delays}), which give p50, p99 and p99.9 to the bucket's bound.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Benchmark)
public class StallBench extends StallProbe {




    @State(Scope.Benchmark)
    public static class Asys {
        /** The hot spare: the runtime's default for this machine (off below 4 cores), or on (2 ms). */
        @Param({"default", "on"})
        public String hotSpare;
        AsysRuntime rt;
        Identity loop;

        @Setup
        public void setup() {
            var b = AsysRuntime.builder().lanes(1).spareCapacity(2);
            if (hotSpare.equals("on")) b.hotSpare(Duration.ofMillis(2));
            else if (!hotSpare.equals("default")) throw new IllegalArgumentException("hotSpare: default or on, not " + hotSpare);
            rt = b.build();
            loop = rt.newIdentity("stall");
        }

        @TearDown
        public void tearDown() {
            if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
        }
    }

    /** The call that blocks 1 ms, submitted on asys's loop: IN_PROGRESS, its result checked. */
    private void submitBlockingCall(Identity loop) {
        loop.submit(() -> {
            Blocking.sleep(Duration.ofNanos(Work.BLOCK_NANOS));
            return Work.quick(0);
        }, (CallHandle<Long> r) -> {
            if (r.outcome() != Outcome.IN_PROGRESS) blockingCall.wrong(r);
            blockingCall.done(0, r.value() == null ? -1 : r.value());
        });
    }

    @Override
    long call() throws InterruptedException { return Work.sleepingCall(0); }

    /** asys: the call blocks, the hook hands the loop to a spare, the spare runs the probe. */
    @Benchmark
    public void asys(Asys a) {
        arm();
        a.loop.execute(() -> {
            a.loop.execute(probe);
            submitBlockingCall(a.loop);
        });
        awaitProbe();
    }


    /** A plain loop that runs the call inline: the probe waits out the 1 ms. */
    @Benchmark
    public void direct(Plain p) { onPlainLoop(p, null); }

    /** Vert.x: the call goes to a worker through executeBlocking; the loop runs the probe. */
    @Benchmark
    public void vertx(VertxLoop v) { onVertx(v, null); }

    // ---- the delay as the loop sees it ---------------------------------------------------------

    /** asys, the delay as its loop sees it. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void asysOnLoop(Asys a, Delays d) { onLoop(a, d, null); }

    /**
     * The tail of {@link #asysOnLoop}'s delays, taken apart: the same sample, and for each delay
     * in the tail, how long the thread that ran the probe spent runnable but waiting for a CPU
     * meanwhile ({@link StallProbe.RunDelays}).
     */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void asysOnLoopRunDelay(Asys a, Delays d, RunDelays r) { onLoop(a, d, r); }

    /** asys's loop-side sample (with {@code r}, its tail taken apart too). */
    private void onLoop(Asys a, Delays d, RunDelays r) {
        arm();
        a.loop.execute(() -> {
            a.loop.execute(startOnLoop(r));
            submitBlockingCall(a.loop);
        });
        awaitProbe();
        countDelay(d, r);
    }

    /** Vert.x, the delay as its event loop sees it. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void vertxOnLoop(VertxLoop v, Delays d) { onVertx(v, d); }

    /** A plain loop, the delay as it sees it: the probe waits out the call inline. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void directOnLoop(Plain p, Delays d) { onPlainLoop(p, d); }

    /** A platform thread parked, woken by an unpark: the delay from the unpark to the thread
     *  running, in the same buckets. The floor for a loop whose spare is parked when its call
     *  blocks (the spare must be woken to run the ready task). */
    @State(Scope.Benchmark)
    public static class Sleeper {
        volatile long unparkedAt, woke;
        volatile boolean running = true;
        volatile Thread waiter;
        Thread thread;

        @Setup
        public void setup() {
            thread = new Thread(() -> {
                while (running) {
                    LockSupport.park(this);
                    long t = unparkedAt;
                    if (t != 0) {
                        unparkedAt = 0;
                        woke = System.nanoTime() - t;
                        LockSupport.unpark(waiter);
                    }
                }
            }, "sleeper");
            thread.setDaemon(true);
            thread.start();
        }

        @TearDown
        public void tearDown() throws InterruptedException {
            running = false;
            LockSupport.unpark(thread);
            thread.join(10_000);
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    public void wakeUpOnLoop(Sleeper s, Delays d) throws InterruptedException {
        s.waiter = Thread.currentThread();
        s.woke = 0;
        while (s.thread.getState() != Thread.State.WAITING) Thread.onSpinWait();   // parked again
        s.unparkedAt = System.nanoTime();
        LockSupport.unpark(s.thread);
        while (s.woke == 0) LockSupport.park(this);
        d.add(s.woke);
    }
}
