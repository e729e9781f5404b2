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
        /** How long an idle spare spins before it parks: 0, parked like the ping-pong partner; or
         *  the runtime's default, so that a spare back in its pool moments ago is still spinning. */
        @Param({"0", "20"})
        public int spinMicros;
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
            rt = AsysRuntime.builder().lanes(1).spareCapacity(2).spinBeforePark(Duration.ofNanos(spinMicros * 1000L)).build();
            loop = rt.newIdentity("handoff");
        }

        @TearDown
        public void tearDown() {
            if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
        }
    }

    /** Handoffs measured in an iteration: JMH reports both; the mean handoff is their quotient. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Handoffs {
        public long handoffNanos;
        public long handoffs;

        @Setup(Level.Iteration)
        public void reset() {
            handoffNanos = 0;
            handoffs = 0;
        }
    }

    @Benchmark
    public void asysHandoff(Loop l, Handoffs h) throws Exception {
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
        h.handoffNanos += l.handoff;
        h.handoffs++;
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
}
