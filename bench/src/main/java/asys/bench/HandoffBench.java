package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
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
 * {@code asysHandoffRunDelay} takes the same cycle's tail apart: how long, in the handoffs over
 * 1 µs, the spare was runnable but waiting for a CPU.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class HandoffBench {

    @State(Scope.Benchmark)
    public static class Loop {
        /** The spare the hook finds: {@code parked} (no spin at all: like the ping-pong partner);
         *  {@code spinning} (an idle spare spins 20 µs, the runtime's default with 4 cores or more,
         *  and no hot spare);
         *  {@code hot} (the hot spare on: the spare of a lane that handed over within the last
         *  2 ms spins, see {@link asys.runtime.RuntimeBuilder#hotSpare}). */
        @Param({"parked", "spinning", "hot"})
        public String spare;
        /** The stack probe before each handoff ({@code KThread.reserveStack}): {@code on} as
         *  shipped; {@code off} (by {@code -p stackProbe=off}, for a measurement only: a call that
         *  blocks at the edge of its stack could then overflow partway through its handoff) shows
         *  what the probe adds to the handoff. */
        @Param({"on"})
        public String stackProbe;
        /** The probe's frames as shipped, put back at tear-down. */
        private int stackFrames = -1;
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
        /** The run delays of a run-delay row's cycle: set on the loop before its probe is queued,
         *  read by the probe (ordered by the loop's queue). */
        StallProbe.RunDelays runDelays;
        /** The probe of a run-delay row: its thread's run delay read after its timestamp. */
        final Runnable runDelayProbe = () -> {
            handoff = System.nanoTime() - blockedAt;
            runDelays.afterProbe();
            gate.complete(null);
        };

        @Setup
        public void setup() {
            var b = AsysRuntime.builder().lanes(1).spareCapacity(2);
            switch (spare) {
                case "parked" -> b.spinBeforePark(Duration.ZERO).hotSpare(Duration.ZERO);
                case "spinning" -> b.spinBeforePark(Duration.ofNanos(20_000)).hotSpare(Duration.ZERO);
                case "hot" -> b.hotSpare(Duration.ofMillis(2));
                default -> throw new IllegalArgumentException("spare: parked, spinning or hot, not " + spare);
            }
            switch (stackProbe) {
                case "on" -> { }
                case "off" -> stackFrames = setStackFrames(0);
                default -> throw new IllegalArgumentException("stackProbe: on or off, not " + stackProbe);
            }
            rt = b.build();
            loop = rt.newIdentity("handoff");
        }

        @TearDown
        public void tearDown() {
            if (stackFrames >= 0) setStackFrames(stackFrames);
            if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
        }

        /** Sets the runtime's stack probe depth ({@code KThread.stackFrames}, package-private);
         *  returns the one it had. */
        private static int setStackFrames(int frames) {
            try {
                var f = Class.forName("asys.runtime.KThread").getDeclaredField("stackFrames");
                f.setAccessible(true);
                int was = f.getInt(null);
                f.setInt(null, frames);
                return was;
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("the runtime's stack probe depth (KThread.stackFrames) cannot be set", e);
            }
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

    /** A handoff's tail taken apart: beyond the goal's bound, 1 µs. */
    static final long TAIL_NANOS = 1_000;

    /**
     * The handoff cycle of {@link #asysHandoff}, and the run delay Linux counts for the thread
     * that ran the probe (the spare that took the loop over), {@code /proc/thread-self/schedstat},
     * read on the loop before the call starts and in the probe after its timestamp, so that
     * neither read is in the handoff: of the handoffs over {@link #TAIL_NANOS}, how long the spare
     * spent runnable but waiting for a CPU meanwhile ({@link StallProbe.RunDelays}).
     */
    @Benchmark
    public void asysHandoffRunDelay(Loop l, Handoffs h, StallProbe.RunDelays r) throws Exception {
        l.runDelays = r;
        cycle(l, h);
        r.add(l.handoff, TAIL_NANOS);
    }

    private static void cycle(Loop l, Handoffs h) throws Exception {
        l.batch.arm(1);
        l.gate = new CompletableFuture<>();
        StallProbe.RunDelays delays = l.runDelays;
        l.loop.execute(() -> {
            if (delays != null) delays.before();
            l.loop.execute(delays == null ? l.probe : l.runDelayProbe);   // ready before the call blocks
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

    /**
     * The design's handoff as plain fields, the floor of a handoff to a spinning spare that keeps
     * the design's own steps: two threads take turns carrying one identity. The carrier runs a
     * call that queues a probe task and blocks; its HookFire clears the hook, hands the identity
     * over (the owner's compare-and-set) and writes the spare's assignment (the identity and the
     * call in the spare's own fields, then a volatile flag); the spare, spinning on that flag
     * (and yielding between spins, as asys's hot spare does, so that three threads share two
     * cores), reads its work, checks the owner, and takes its loop's first step as
     * asys's does: its submission queue (a ring), its completion queue (a field) and its task
     * queue (a {@code ConcurrentLinkedQueue}, as asys's), where the probe is. The old carrier
     * then spins as the next spare; the new one, once idle, parks until the next call's task
     * arrives. What asys does beyond this (its stack probe, its trace and JFR checks, its
     * counters) is its own cost.
     */
    @State(Scope.Benchmark)
    public static class DesignHandoff {
        static final int NONE = 0, HANDOFF = 1, EXIT = 2;
        static final byte USER = 1, WORKER = 2, RETURNING = 3;

        /** A thread of the design: its state, its hook, and its assignment in its own fields. */
        static final class Carrier {
            Thread thread;
            byte state;
            boolean hookSet;
            Carrier spare;
            volatile int work;
            DesignIdentity handedIdentity;
            Object handedCall;
            /** Set by the call's HookFire: the loop's step returns, and this thread is a spare again. */
            boolean handedOver;
        }

        /** The identity: its owner and its three queues, each an object of its own as in asys. */
        static final class DesignIdentity {
            volatile Carrier owner;
            final Ring submissions = new Ring();
            final Completions completions = new Completions();
            final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
            volatile boolean sleeping;
        }

        static final class Ring {
            final Object[] slots = new Object[16];
            int head, tail;
        }

        static final class Completions {
            volatile Object head;
        }

        final Carrier a = new Carrier(), b = new Carrier();
        final DesignIdentity u = new DesignIdentity();
        final Object call = new Object();
        volatile boolean running = true;
        volatile Thread waiter;
        volatile boolean done;
        volatile long blockedAt, handoff;
        volatile int wrong;

        final Runnable probe = () -> {
            handoff = System.nanoTime() - blockedAt;
            if (u.owner.thread != Thread.currentThread()) wrong++;   // run by the identity's carrier, or the run fails
            done = true;
            LockSupport.unpark(waiter);
        };

        /** The call's task: queues the probe, then the call blocks at once: HookFire. */
        final Runnable callTask = () -> {
            Carrier me = u.owner;
            u.tasks.offer(probe);
            me.hookSet = true;   // Submit: the hook set, the spare reserved
            me.spare = me == a ? b : a;
            blockedAt = System.nanoTime();
            hookFire(me, u, call);
        };

        static void hookFire(Carrier me, DesignIdentity u, Object x) {
            Carrier s = me.spare;
            me.hookSet = false;
            me.state = WORKER;
            if (!U_OWNER.compareAndSet(u, me, s)) throw new IllegalStateException("owner");
            s.state = RETURNING;
            s.handedIdentity = u;
            s.handedCall = x;
            s.work = HANDOFF;
            me.handedOver = true;
        }

        private static final java.lang.invoke.VarHandle U_OWNER;
        static {
            try {
                U_OWNER = java.lang.invoke.MethodHandles.lookup().findVarHandle(DesignIdentity.class, "owner", Carrier.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        @Setup
        public void setup() {
            a.thread = new Thread(() -> run(a), "design-a");
            b.thread = new Thread(() -> run(b), "design-b");
            u.owner = a;
            a.work = HANDOFF;   // a carries the identity first
            a.handedIdentity = u;
            a.handedCall = call;
            for (Carrier c : new Carrier[] {a, b}) {
                c.thread.setDaemon(true);
                c.thread.start();
            }
        }

        /** A thread's life: spin for an assignment, carry the identity until it hands it over. */
        void run(Carrier me) {
            while (true) {
                int w;
                while ((w = me.work) == NONE) {   // spins as asys's hot spare does: 128 spins, then a yield
                    if (!running) return;
                    for (int i = 0; i < 128 && (w = me.work) == NONE; i++) Thread.onSpinWait();
                    if (w == NONE) Thread.yield();
                }
                if (w == EXIT) return;
                me.work = NONE;
                DesignIdentity id = me.handedIdentity;
                me.handedIdentity = null;
                me.handedCall = null;
                me.state = USER;
                if (!carry(me, id)) return;
            }
        }

        /** The loop's steps on {@code me}: false when the benchmark ends. */
        boolean carry(Carrier me, DesignIdentity id) {
            if (id.owner != me) throw new IllegalStateException("not the owner");
            while (running) {
                Ring q = id.submissions;
                if (q.head != q.tail) throw new IllegalStateException("no calls are queued");
                if (id.completions.head != null) throw new IllegalStateException("no completions are posted");
                Runnable t = id.tasks.poll();
                if (t != null) {
                    t.run();
                    if (me.handedOver) {
                        me.handedOver = false;
                        return true;
                    }
                    continue;
                }
                id.sleeping = true;   // idle: sleep until a task arrives
                if (id.tasks.isEmpty() && running) LockSupport.park(this);
                id.sleeping = false;
            }
            return false;
        }

        @TearDown
        public void tearDown() throws InterruptedException {
            running = false;
            for (Carrier c : new Carrier[] {a, b}) {
                c.work = EXIT;
                LockSupport.unpark(c.thread);
                c.thread.join(10_000);
            }
            if (wrong != 0) throw new IllegalStateException(wrong + " probes ran on a thread that did not carry the identity");
        }
    }

    /** One handoff of the design's own steps as plain fields (see {@link DesignHandoff}). */
    @Benchmark
    public void designHandoff(DesignHandoff d, Handoffs h) throws Exception {
        d.waiter = Thread.currentThread();
        d.done = false;
        d.u.tasks.offer(d.callTask);
        if (d.u.sleeping) LockSupport.unpark(d.u.owner.thread);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!d.done) {
            LockSupport.parkNanos(d, TimeUnit.MILLISECONDS.toNanos(10));
            if (System.nanoTime() > deadline) throw new java.util.concurrent.TimeoutException("designHandoff: no handoff after 60 s");
        }
        h.add(d.handoff);
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
