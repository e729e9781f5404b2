package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenario 3, handoff latency: the time from the moment a call blocks to the moment its loop runs
 * its next task on the spare thread, against the floor for a handoff between two platform threads,
 * half of a {@code LockSupport.unpark} ping-pong round trip.
 *
 * <p>{@code asysHandoff}: a task queues a probe task, then submits a call that takes a timestamp
 * and blocks on a gate; the hook hands the loop to the spare, which runs the probe; the probe takes
 * the second timestamp and opens the gate. The handoff (the difference) is summed in the auxiliary
 * counters {@code handoffNanos} and {@code handoffs}; the primary score is the whole cycle.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandoffBench {

    @State(Scope.Benchmark)
    public static class Loop {
        /** The spare the hook finds: {@code parked} (no spin at all: like the ping-pong partner);
         *  {@code spinning} (an idle spare spins 20 µs, the runtime's default, and no hot spare);
         *  {@code hot} (the hot spare on: the spare of a lane that handed over within the last
         *  2 ms spins, see {@link asys.runtime.RuntimeBuilder#hotSpare}). */
        @Param({"parked", "spinning", "hot"})
        public String spare;
        AsysRuntime rt;
        Identity loop;
        final Work.Batch batch = new Work.Batch();
        volatile long blockedAt;
        volatile long handoff;
        CompletableFuture<Void> gate;
        final Runnable probe = () -> {
            handoff = System.nanoTime() - blockedAt;
            gate.complete(null);
        };

        @Setup
        public void setup() {
            var b = AsysRuntime.builder().lanes(1).spareCapacity(2);
            switch (spare) {
                case "parked" -> b.spinBeforePark(Duration.ZERO).hotSpare(Duration.ZERO);
                case "spinning" -> b.hotSpare(Duration.ZERO);
                case "hot" -> b.hotSpare(Duration.ofMillis(2));
                default -> throw new IllegalArgumentException("spare: parked, spinning or hot, not " + spare);
            }
            rt = b.build();
            loop = rt.newIdentity("handoff");
        }

        @TearDown
        public void tearDown() {
            if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
        }
    }

    /** Handoffs measured in an iteration: JMH reports each counter; the mean handoff is the
     *  quotient of the first two, and the {@code within*} counters (handoffs no longer than that)
     *  give the median: the first bound that holds half of them. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Handoffs {
        public long handoffNanos;
        public long handoffs;
        public long within500ns, within1us, within2us, within5us, within10us, within20us, within50us;
        /** The process's CPU time and the wall time over the handoff cycles (busy), and over the
         *  idle spells after them ({@link #asysIdle}): CPU cores used is their quotient. */
        public long busyCpuNanos, busyWallNanos, idleCpuNanos, idleWallNanos;

        @Setup(Level.Iteration)
        public void reset() {
            handoffNanos = 0;
            handoffs = 0;
            busyCpuNanos = busyWallNanos = idleCpuNanos = idleWallNanos = 0;
            within500ns = within1us = within2us = within5us = within10us = within20us = within50us = 0;
        }

        void add(long ns) {
            handoffNanos += ns;
            handoffs++;
            if (ns <= 500) within500ns++;
            if (ns <= 1_000) within1us++;
            if (ns <= 2_000) within2us++;
            if (ns <= 5_000) within5us++;
            if (ns <= 10_000) within10us++;
            if (ns <= 20_000) within20us++;
            if (ns <= 50_000) within50us++;
        }
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    @Benchmark
    public void asysHandoff(Loop l, Handoffs h) throws Exception {
        long cpu = OS.getProcessCpuTime(), wall = System.nanoTime();
        cycle(l, h);
        h.busyCpuNanos += OS.getProcessCpuTime() - cpu;
        h.busyWallNanos += System.nanoTime() - wall;
    }

    /** How long an idle spell lasts in {@link #asysIdle}: ten times the hot spare's window. */
    static final long IDLE_MS = 10;

    /**
     * A handoff cycle, then an idle spell of {@link #IDLE_MS}: the process's CPU time over the
     * spell is what the runtime burns once its loop stops handing over (a hot spare spins at most
     * its window, 1 ms, of it).
     */
    @Benchmark
    public void asysIdle(Loop l, Handoffs h) throws Exception {
        cycle(l, h);
        long cpu = OS.getProcessCpuTime(), wall = System.nanoTime();
        Thread.sleep(IDLE_MS);
        h.idleCpuNanos += OS.getProcessCpuTime() - cpu;
        h.idleWallNanos += System.nanoTime() - wall;
    }

    private static void cycle(Loop l, Handoffs h) throws Exception {
        l.batch.arm(1);
        l.gate = new CompletableFuture<>();
        l.loop.execute(() -> {
            l.loop.execute(l.probe);   // ready before the call blocks
            l.loop.submit(() -> {
                l.blockedAt = System.nanoTime();
                Blocking.await(l.gate);
                return Work.quick(0);
            }, (CallHandle<Long> r) -> {
                if (r.outcome() != Outcome.IN_PROGRESS) l.batch.wrong(r);
                l.batch.done(0, r.value() == null ? -1 : r.value());
            });
        });
        l.batch.await("asysHandoff");
        h.add(l.handoff);
    }

    /** Two platform threads handing a turn back and forth with park/unpark. */
    @State(Scope.Benchmark)
    public static class PingPong {
        volatile int turn;           // 1: the partner's, 2: the benchmark thread's
        volatile boolean running = true;
        volatile Thread me;
        Thread partner;

        @Setup
        public void setup() {
            partner = new Thread(() -> {
                while (running) {
                    while (turn != 1 && running) LockSupport.park(this);
                    if (!running) return;
                    turn = 2;
                    LockSupport.unpark(me);
                }
            }, "pong");
            partner.setDaemon(true);
            partner.start();
        }

        @TearDown
        public void tearDown() throws InterruptedException {
            running = false;
            LockSupport.unpark(partner);
            partner.join(10_000);
        }
    }

    /** One round trip: the floor for a handoff is half of it. */
    @Benchmark
    public void unparkPingPong(PingPong p) {
        p.me = Thread.currentThread();
        p.turn = 1;
        LockSupport.unpark(p.partner);
        while (p.turn != 2) LockSupport.park(p);
    }

    /** Two platform threads handing a turn back and forth, each spinning on a volatile: the
     *  hardware's floor for a handoff to a thread that spins (a cache line from one core to
     *  another and back), as the hot spare's. */
    @State(Scope.Benchmark)
    public static class SpinPingPong {
        volatile int turn;           // 1: the partner's, 2: the benchmark thread's
        volatile boolean running = true;
        Thread partner;

        @Setup
        public void setup() {
            partner = new Thread(() -> {
                while (running) {
                    while (turn != 1) {
                        if (!running) return;
                        Thread.onSpinWait();
                    }
                    turn = 2;
                }
            }, "spin-pong");
            partner.setDaemon(true);
            partner.start();
        }

        @TearDown
        public void tearDown() throws InterruptedException {
            running = false;
            partner.join(10_000);
        }
    }

    /** One round trip between two spinning threads: the floor for a handoff to a hot spare is half of it. */
    @Benchmark
    public void spinPingPong(SpinPingPong p) {
        p.turn = 1;
        while (p.turn != 2) Thread.onSpinWait();
    }
}
