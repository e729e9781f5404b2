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
 * timestamp ({@link #startOnLoop}), queues the probe it returns and starts the blocking call; the
 * probe takes the second when the loop runs it. The delays are counted in {@link Delays}, the
 * tail taken apart in {@link RunDelays}.
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
    private final Runnable timedProbe = () -> {
        delay = System.nanoTime() - queuedAt;
        probe.run();
    };

    /** The sample's run delays, in a run-delay row: written on the loop before its probe is
     *  queued, read by the thread that runs the probe (ordered by the loop's queue). */
    private RunDelays runDelays;
    private final Runnable runDelayProbe = () -> {
        delay = System.nanoTime() - queuedAt;
        runDelays.afterProbe();
        probe.run();
    };

    /**
     * On the loop, as a loop-side sample begins: with {@code r}, the run delays read first; then
     * the first timestamp. Returns the probe to queue: timed, and with {@code r}, reading its
     * thread's run delay after its own timestamp.
     */
    Runnable startOnLoop(RunDelays r) {
        if (r != null) {
            runDelays = r;
            r.before();
        }
        queuedAt = System.nanoTime();
        return r == null ? timedProbe : runDelayProbe;
    }

    /** Once the probe has run: the loop-side sample's delay counted in {@code d} (with the
     *  call's time before its block, where the scenario knows it) and, with {@code r}, in its
     *  tail. For a contender whose loop runs the call until it blocks. */
    void countDelay(Delays d, RunDelays r) {
        if (d != null) {
            d.add(delay);
            long b = beforeBlock();
            if (b >= 0) d.addBeforeBlock(b);
        }
        if (r != null) r.add(delay);
    }

    /** The part of this sample's delay that the call spent on the loop before it could block
     *  (from the first timestamp to its last step before the block), or -1 where the scenario
     *  does not take it. */
    long beforeBlock() { return -1; }

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
                p.loop.execute(startOnLoop(null));
                runCall();
            });
        }
        awaitProbe();
        countDelay(d, null);
    }

    /** Vert.x's sample: the call given to its workers through {@code executeBlocking}, its result
     *  back on the event loop, which runs the probe; with {@code d}, as the loop sees it. */
    void onVertx(VertxLoop v, Delays d) {
        arm();
        v.ctx.runOnContext(ignored -> {
            Runnable p = d == null ? probe : startOnLoop(null);
            v.vertx.executeBlocking(this::call, false).onComplete(ar -> {
                if (ar.failed()) blockingCall.wrong(ar.cause());
                blockingCall.done(0, ar.succeeded() ? ar.result() : -1);
            });
            v.ctx.runOnContext(x -> p.run());
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
        /** Samples whose call's time before its block was taken ({@link #beforeBlock}), that
         *  time summed, and how many of them alone took longer than {@link RunDelays#TAIL_NANOS}. */
        public long beforeBlockSamples, beforeBlockNanos, beforeBlockInTail;
        public long within2us, within5us, within10us, within20us, within50us, within100us, within200us,
                within500us, within1ms, within2ms;

        @Setup(Level.Iteration)
        public void reset() {
            samples = delayNanos = 0;
            beforeBlockSamples = beforeBlockNanos = beforeBlockInTail = 0;
            within2us = within5us = within10us = within20us = within50us = within100us = within200us = 0;
            within500us = within1ms = within2ms = 0;
        }

        void addBeforeBlock(long ns) {
            beforeBlockSamples++;
            beforeBlockNanos += ns;
            if (ns > RunDelays.TAIL_NANOS) beforeBlockInTail++;
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

    /**
     * The tail of a loop-side sample taken apart, summed over an iteration: for each delay over
     * {@link #TAIL_NANOS} (or the bound its scenario gives), how long the thread that ran the
     * probe spent runnable but waiting for a CPU meanwhile (Linux's run delay, the second figure
     * of {@code /proc/thread-self/schedstat}, read before the first timestamp and after the
     * second, so neither read is in the delay). Where the file is absent the tail is counted as
     * not measured.
     */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class RunDelays {
        /** A delay longer than this is the tail: beyond the bucket of asys's p99 on this machine
         *  kind, and beyond scenario 6's goal for the p99. */
        static final long TAIL_NANOS = 100_000;
        /** Delays in the tail; of them, those whose probe thread waited for a CPU at least half
         *  the delay, and those whose run delay could not be read; their delays, and their run
         *  delays, each counted up to its delay (Linux adds a wait to the run delay when it ends,
         *  so one begun before the sample is read whole). */
        public long tailSamples, tailWaitingForCpu, tailNotMeasured, tailDelayNanos, tailRunDelayNanos;

        /** The schedstat files of the threads that ran a probe so far. */
        private final java.util.Set<java.nio.file.Path> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        /** Their run delays as the sample began: written on the loop before the probe is queued,
         *  read by the thread that runs it (ordered by the runtime's queues). */
        private java.util.Map<java.nio.file.Path, Long> atStart = java.util.Map.of();
        /** The probe's thread's run delay over the sample, ns; -1 when not measured. */
        private volatile long probeRunDelay = -1;
        /** This thread's schedstat file ({@code /proc/thread-self} resolved), or null without one. */
        private static final ThreadLocal<java.nio.file.Path> OWN = ThreadLocal.withInitial(() -> {
            try {
                java.nio.file.Path task = java.nio.file.Path.of("/proc").resolve(java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc/thread-self")));
                java.nio.file.Path f = task.resolve("schedstat");
                return java.nio.file.Files.isReadable(f) ? f : null;
            } catch (java.io.IOException | RuntimeException e) {
                return null;
            }
        });

        @Setup(Level.Iteration)
        public void reset() {
            tailSamples = tailWaitingForCpu = tailNotMeasured = tailDelayNanos = tailRunDelayNanos = 0;
        }

        /** On the loop, before the first timestamp: the run delay of every thread that ran a probe. */
        void before() {
            probeRunDelay = -1;
            java.util.Map<java.nio.file.Path, Long> m = new java.util.HashMap<>();
            for (java.nio.file.Path f : seen) m.put(f, runDelay(f));
            atStart = m;
        }

        /** In the probe, after its timestamp: its thread's run delay since the sample began
         *  (not measured the first time a thread runs it, or without the file). */
        void afterProbe() {
            java.nio.file.Path f = OWN.get();
            if (f == null) return;
            Long start = atStart.get(f);
            long now = runDelay(f);
            seen.add(f);
            if (start != null && start >= 0 && now >= 0) probeRunDelay = now - start;
        }

        static long runDelay(java.nio.file.Path schedstat) {
            try {
                String[] f = java.nio.file.Files.readString(schedstat).trim().split(" ");
                return Long.parseLong(f[1]);
            } catch (java.io.IOException | RuntimeException e) {
                return -1;
            }
        }

        void add(long delay) { add(delay, TAIL_NANOS); }

        /** A sample's delay, its tail those over {@code tailNanos} (a scenario's own bound: the
         *  handoff's goal, 1 µs, for scenario 3). */
        void add(long delay, long tailNanos) {
            if (delay <= tailNanos) return;
            tailSamples++;
            tailDelayNanos += delay;
            long waited = probeRunDelay;
            if (waited < 0) {
                tailNotMeasured++;
                return;
            }
            tailRunDelayNanos += Math.min(waited, delay);   // a wait begun before the sample counts within it only
            if (2 * waited >= delay) tailWaitingForCpu++;
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
