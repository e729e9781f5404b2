package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.Counters;
import asys.runtime.Identity;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenario 8, the adaptive spare pool: what a loop that blocks in bursts costs in threads.
 *
 * <p>{@code burst}: one loop, at the runtime's default settings, gets {@link #BURST} calls in one
 * task, each blocking {@link #BLOCK_MS} ms in {@code Blocking.sleep}; the invocation ends when
 * every outcome is in. The runtime lives for the whole trial, so the measured iterations come
 * after JMH's warm-up ones: the figure is the warm loop's. The auxiliary counters are the
 * threads Allocate started ({@code threadsStarted}), the calls that blocked ({@code hookFires})
 * and the calls refused for want of a thread ({@code eagain}); the goal is threads started per
 * 1,000 blocking calls. The pitfall avoided: counting a fresh runtime's first burst, which must
 * start its threads, as the loop's steady cost. {@code burstFixedPool} is the same on a pool fixed
 * at 2 spares (capacity = floor = 2), the runtime's default before its pool adapted: every worker
 * beyond two exits as it finishes, and the next burst starts its threads again.
 *
 * <p>{@code idleAfterKeepAlive}: the same burst on a runtime with a keep-alive of
 * {@link #KEEP_ALIVE_MS} ms, then ten keep-alives of idle time; {@code idleSpares} sums the
 * spares still pooled after it and {@code samples} counts the invocations. The goal is their mean
 * at most the floor (default 2).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class PoolBench {

    static final int BURST = 400;
    static final int BLOCK_MS = 2;
    static final int KEEP_ALIVE_MS = 20;

    @State(Scope.Benchmark)
    public static class Defaults {
        AsysRuntime rt;
        Identity loop;

        @Setup
        public void setup() {
            rt = AsysRuntime.builder().build();
            loop = rt.newIdentity("burst");
        }

        @TearDown
        public void tearDown() {
            if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
        }
    }

    @State(Scope.Benchmark)
    public static class FixedPool extends Defaults {
        @Override   // (no @Setup: JMH would run it twice, once for this and once for the overridden one)
        public void setup() {
            rt = AsysRuntime.builder().spareCapacity(2).spareFloor(2).build();
            loop = rt.newIdentity("burst");
        }
    }

    @State(Scope.Benchmark)
    public static class ShortKeepAlive extends Defaults {
        @Override   // (no @Setup: JMH would run it twice, once for this and once for the overridden one)
        public void setup() {
            rt = AsysRuntime.builder().spareKeepAlive(Duration.ofMillis(KEEP_ALIVE_MS)).build();
            loop = rt.newIdentity("burst");
        }
    }

    /** Per iteration: threads started, calls that blocked, calls refused. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Threads {
        public long threadsStarted;
        public long hookFires;
        public long eagain;

        @Setup(Level.Iteration)
        public void reset() {
            threadsStarted = 0;
            hookFires = 0;
            eagain = 0;
        }
    }

    /** Per iteration: idle spares seen after the keep-alive, and how many times they were looked at. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Idle {
        public long idleSpares;
        public long samples;

        @Setup(Level.Iteration)
        public void reset() {
            idleSpares = 0;
            samples = 0;
        }
    }

    /** Gives the loop a task that submits the burst, and waits for every outcome. */
    static void burst(Identity loop) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(BURST);
        loop.execute(() -> {
            for (int i = 0; i < BURST; i++) {
                loop.submit(() -> {
                    Blocking.sleep(Duration.ofMillis(BLOCK_MS));
                    return null;
                }, r -> done.countDown());
            }
        });
        if (!done.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("a burst did not finish in 60 s");
    }

    @Benchmark
    public void burst(Defaults s, Threads t) throws InterruptedException {
        measuredBurst(s, t);
    }

    @Benchmark
    public void burstFixedPool(FixedPool s, Threads t) throws InterruptedException {
        measuredBurst(s, t);
    }

    static void measuredBurst(Defaults s, Threads t) throws InterruptedException {
        Counters before = s.rt.counters();
        burst(s.loop);
        Counters after = s.rt.counters();
        t.threadsStarted += after.sparesAllocated() - before.sparesAllocated();
        t.hookFires += after.hookFires() - before.hookFires();
        t.eagain += after.eagain() - before.eagain();
    }

    @Benchmark
    public void idleAfterKeepAlive(ShortKeepAlive s, Idle idle) throws InterruptedException {
        burst(s.loop);
        Thread.sleep(10L * KEEP_ALIVE_MS);
        idle.idleSpares += s.rt.counters().sparesPooled();
        idle.samples++;
    }
}
