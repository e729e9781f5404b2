package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.RuntimeBuilder;
import asys.runtime.Blocking;
import asys.runtime.Call;
import asys.runtime.CallHandle;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.CompilerControl;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Scenarios 1, 2 and 5 (blocking share): a batch of {@link Work#BATCH} calls, {@code share} percent
 * of which block 1 ms, made by each contender from its event loop (or caller), each result
 * delivered to a handler, with {@link Work.Window#DEPTH} batches in flight; the score is calls
 * per second. Every batch checks that every call got
 * its one, right result (and, for asys, the outcome the design promises: QUICK for a call that did
 * not block, IN_PROGRESS for one that did).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(Work.BATCH)
@State(Scope.Benchmark)
public class CallsBench {

    /** Percent of calls that block 1 ms. */
    @Param({"0"})
    public int share;

    private final Work.Window window = new Work.Window();   // the direct call's
    private static final Duration ONE_MS = Duration.ofNanos(Work.BLOCK_NANOS);

    /** The direct call's batches complete at once; each contender's state drains its own window
     *  before it shuts the contender down. */

    /** The floor: each call made inline by the caller, the handler called at once. */
    @Benchmark
    public void direct() throws Exception {
        Work.Batch batch = window.next("direct");
        batch.arm(Work.BATCH);
        for (int i = 0; i < Work.BATCH; i++) {
            long v = Work.blocks(i, share) ? Work.sleepingCall(i) : Work.quick(i);
            batch.doneOnLoop(i, v);
        }
        batch.await("direct");
    }

    /**
     * The floor of a queued call: the calls of the execute form's benchmark queued, call and
     * handler, in a ring of two arrays as a plain event loop queues its next steps, then each run
     * in order on the benchmark's thread and its handler given the outcome, QUICK. What asys does
     * beside this per call (the spare kept and reserved, the hook set and cleared, the owner
     * check, the states and counters, the record) is the fast path's own cost; the ring's two
     * reference stores pay G1's barriers here as asys's do. The call and the handler are called
     * through methods the JIT does not inline ({@link #body}, {@link #handler}).
     */
    @State(Scope.Benchmark)
    public static class PlainQueue {
        final Work.Window window = new Work.Window();
        Prepared[][] calls;
        final Object[] ringCalls = new Object[2 * Work.BATCH];
        final Object[] ringHandlers = new Object[2 * Work.BATCH];
        int head, size;

        @Setup
        public void prepare(CallsBench bench) {
            if (bench.share != 0) throw new IllegalArgumentException("queuedLoop runs calls that do not block (share 0), not share " + bench.share);
            calls = new Prepared[Work.Window.DEPTH][Work.BATCH];
            for (int p = 0; p < Work.Window.DEPTH; p++) {
                for (int i = 0; i < Work.BATCH; i++) calls[p][i] = new Prepared(window.at(p), i, false);
            }
        }

        void add(Call<Long> call, asys.runtime.OutcomeHandler<Long> handler) {
            int i = (head + size++) % ringCalls.length;
            ringCalls[i] = call;
            ringHandlers[i] = handler;
        }

        /** The oldest slot, taken: the queue moves past it. */
        int next() {
            int i = head;
            head = (i + 1) % ringCalls.length;
            size--;
            return i;
        }

        /** The call in slot {@code i}, cleared from the ring (as the handler, by {@link #takeHandler}). */
        @SuppressWarnings("unchecked")
        Call<Long> takeCall(int i) {
            Call<Long> c = (Call<Long>) ringCalls[i];
            ringCalls[i] = null;
            return c;
        }

        @SuppressWarnings("unchecked")
        asys.runtime.OutcomeHandler<Long> takeHandler(int i) {
            asys.runtime.OutcomeHandler<Long> h = (asys.runtime.OutcomeHandler<Long>) ringHandlers[i];
            ringHandlers[i] = null;
            return h;
        }

        void runAll() {
            while (size > 0) {
                int i = next();
                Call<Long> c = takeCall(i);
                asys.runtime.OutcomeHandler<Long> h = takeHandler(i);
                Long v = null;
                Throwable e = null;
                try {
                    v = body(c);
                } catch (Throwable t) {
                    e = t;
                }
                handler(h, v, e);
            }
        }
    }

    /** The call's code, which a loop does not know: not inlined into the floors' loops, so that
     *  nothing they do around it can be optimized away (as none of a loop's steps can be around
     *  code it does not know). */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static Long body(Call<Long> c) throws Exception {
        return c.run();
    }

    /** The handler's code, likewise. */
    @CompilerControl(CompilerControl.Mode.DONT_INLINE)
    static void handler(asys.runtime.OutcomeHandler<Long> h, Long v, Throwable e) {
        h.onOutcome(Outcome.QUICK, v, e);
    }

    /**
     * The floor of the design's own steps: the plain queue, and for each call the steps a quick
     * call takes in the design, each written as the plain fields asys keeps for it. Submit: the
     * identity's in-flight limit, the spare it kept from its last call reserved, the caller's and
     * the spare's states. The hook set (the spare, a flag); the call's body on the caller's stack;
     * the thread's interrupt and context class loader reset. The hook checked and cleared;
     * CompleteInline: the spare kept, the QUICK count. Deliver: the owner check, the handler, the
     * reset again. What asys does per call beyond this row is its record of the call (its fields
     * reset and the outcome published to any thread that could hold a handle), its checks of the
     * submitter, the flags and the record's state, and its loop's step; and the benchmark hands
     * each batch to the loop's thread, where this row runs on the benchmark's own.
     */
    @State(Scope.Benchmark)
    public static class DesignSteps extends PlainQueue {
        static final byte USER = 0, IN_CALL = 1, RESERVED = 2, HELD = 3;

        /** A thread as the design sees it: its state, the spare its hook hands over to, its flags. */
        static final class Carrier {
            final Thread thread;
            final ClassLoader loader;
            byte state;
            Carrier spare;
            boolean hookSet, inBody;

            Carrier(Thread thread) {
                this.thread = thread;
                this.loader = thread == null ? null : thread.getContextClassLoader();
            }

            /** The interrupt and context class loader the call may have changed, reset. */
            void reset() {
                Thread.interrupted();
                Thread t = thread;
                if (t.getContextClassLoader() != loader) t.setContextClassLoader(loader);
            }
        }

        /** The identity: its carrier, the spare it keeps between calls, its calls in flight. */
        final java.util.concurrent.atomic.AtomicReference<Carrier> owner = new java.util.concurrent.atomic.AtomicReference<>();
        Carrier held;
        boolean holding;
        int inFlight, limit = Integer.MAX_VALUE;
        long quickCalls;

        @Override
        void runAll() {
            Carrier me = owner.get();
            if (me == null || me.thread != Thread.currentThread()) {   // the benchmark's thread carries the identity
                me = new Carrier(Thread.currentThread());
                owner.set(me);
                held = new Carrier(null);
                holding = true;
            }
            while (size > 0) {
                int i = next();
                Call<Long> c = takeCall(i);
                asys.runtime.OutcomeHandler<Long> h = takeHandler(i);
                // Submit: the kept spare reserved
                if (inFlight >= limit || !holding) throw new IllegalStateException("designSteps: every call finds its kept spare");
                Carrier s = held;
                holding = false;
                inFlight++;
                me.state = IN_CALL;
                s.state = RESERVED;
                // the hook set, the body on this stack
                if (me.spare != s) me.spare = s;
                me.hookSet = true;
                Long v = null;
                Throwable e = null;
                me.inBody = true;
                try {
                    v = body(c);
                } catch (Throwable t) {
                    e = t;
                } finally {
                    me.inBody = false;
                    me.reset();
                }
                // the hook checked (it did not fire): CompleteInline keeps the spare; QUICK
                if (!me.hookSet) throw new IllegalStateException("designSteps: no call here blocks");
                me.hookSet = false;
                me.state = USER;
                s.state = HELD;
                if (held != s) held = s;
                holding = true;
                quickCalls++;
                inFlight--;
                // Deliver, on the loop
                if (owner.get() != me) throw new IllegalStateException("designSteps: the identity moved");
                handler(h, v, e);
                me.reset();
            }
        }
    }

    @Benchmark
    public void queuedLoop(PlainQueue q) throws Exception {
        runQueued(q, "queuedLoop");
    }

    @Benchmark
    public void designSteps(DesignSteps q) throws Exception {
        runQueued(q, "designSteps");
    }

    /**
     * The design's steps on a loop thread of their own, fed as asys's loop is: the benchmark's
     * thread hands each batch to it as a task (a plain single-thread executor) and waits, with
     * {@link Work.Window#DEPTH} batches in flight, for the loop's handlers to complete them. The
     * difference from {@link #designSteps} is what handing calls to another thread costs in this
     * benchmark (the task, the loop's and the benchmark thread's wake-ups, the two threads on two
     * cores); the difference from asys is asys's own.
     */
    @State(Scope.Benchmark)
    public static class DesignStepsOnLoop extends DesignSteps {
        java.util.concurrent.ExecutorService loop;

        @Setup
        public void startLoop() { loop = Executors.newSingleThreadExecutor(r -> new Thread(r, "designStepsOnLoop")); }

        @TearDown
        public void stopLoop() throws Exception {
            window.drainAndStop(loop, "designStepsOnLoop");
        }
    }

    @Benchmark
    public void designStepsOnLoop(DesignStepsOnLoop q) throws Exception {
        int position = q.window.position();
        Work.Batch batch = q.window.next("designStepsOnLoop");
        batch.arm(Work.BATCH);
        Prepared[] calls = q.calls[position];
        q.loop.execute(() -> {
            for (Prepared c : calls) q.add(c, c);
            q.runAll();
        });
    }

    private static void runQueued(PlainQueue q, String who) throws Exception {
        int position = q.window.position();
        Work.Batch batch = q.window.next(who);
        batch.arm(Work.BATCH);
        for (Prepared c : q.calls[position]) q.add(c, c);
        q.runAll();
        batch.await(who);
    }

    /** An asys runtime with one identity (its loop); tracing on or off. */
    @State(Scope.Benchmark)
    public static class Asys {
        /** The hot spare: the runtime's default for this machine, or on (2 ms) or off. */
        @Param({"default"})
        public String hotSpare = "default";   // (the defaults also for a state made outside JMH, as LoopCpuMain's)
        /** How long an idle spare spins before it parks: the runtime's default for this machine,
         *  or a number of microseconds. */
        @Param({"default"})
        public String spin = "default";
        final Work.Window window = new Work.Window();
        AsysRuntime rt;
        Identity loop;
        long traceLines;
        long operations;

        void start(boolean traced) {
            RuntimeBuilder b = AsysRuntime.builder().lanes(1).spareCapacity(16).threadLimit(1024);
            if (hotSpare.equals("on")) b.hotSpare(Duration.ofMillis(2));
            else if (hotSpare.equals("off")) b.hotSpare(Duration.ZERO);
            else if (!hotSpare.equals("default")) throw new IllegalArgumentException("hotSpare: default, on or off, not " + hotSpare);
            if (!spin.equals("default")) b.spinBeforePark(Duration.ofNanos(1000L * Long.parseLong(spin)));
            if (traced) b.traceSink(line -> traceLines++);   // called under the tracer's monitor
            rt = b.build();
            loop = rt.newIdentity("bench");
        }

        @Setup
        public void setup() { start(false); }

        @TearDown
        public void tearDown() throws Exception {
            window.drain("asys: the last batches");
            if (!rt.close(Duration.ofSeconds(30))) throw new IllegalStateException("asys runtime did not close in 30 s");
        }
    }

    /** The same with trace recording on (every transition formatted as a JSON line). */
    @State(Scope.Benchmark)
    public static class AsysTraced extends Asys {
        @Override   // (no @Setup: JMH would run it twice, once for this and once for the overridden one)
        public void setup() { start(true); }
    }

    @Benchmark
    public void asys(Asys a) throws Exception {
        runAsys(a, "asys");
    }

    @Benchmark
    public void asysTraced(AsysTraced a) throws Exception {
        runAsys(a, "asysTraced");
        // Once a batch has been awaited (after DEPTH operations), its trace lines were written.
        if (++a.operations > Work.Window.DEPTH && a.traceLines == 0) {
            throw new IllegalStateException("asysTraced: no trace line was written");
        }
    }

    /**
     * The execute form with its calls and handlers made once, before the trial (one per call of
     * each batch in the window), so that the benchmark allocates nothing per call of its own:
     * what {@code -prof gc} shows per operation here is asys's (a quick call of this form makes
     * no object, see {@link Identity#execute(int, Call, asys.runtime.OutcomeHandler)}).
     */
    @State(Scope.Benchmark)
    public static class AsysPrepared extends Asys {
        Prepared[][] calls;

        @Override   // (no @Setup: JMH would run it twice, once for this and once for the overridden one)
        public void setup() {
            start(false);
        }

        /** The calls, made once for the trial: which of them block depends only on the share. */
        @Setup
        public void prepare(CallsBench bench) {
            calls = new Prepared[Work.Window.DEPTH][Work.BATCH];
            for (int p = 0; p < Work.Window.DEPTH; p++) {
                for (int i = 0; i < Work.BATCH; i++) calls[p][i] = new Prepared(window.at(p), i, Work.blocks(i, bench.share));
            }
        }
    }

    /** Call i of a batch, as its call and its handler: the value boxed once, beforehand. */
    static final class Prepared implements Call<Long>, asys.runtime.OutcomeHandler<Long> {
        final Work.Batch batch;
        final int k;
        final Long value;
        final boolean blocks;

        Prepared(Work.Batch batch, int k, boolean blocks) {
            this.batch = batch;
            this.k = k;
            this.value = Work.quick(k);
            this.blocks = blocks;
        }

        @Override
        public Long run() throws Exception {
            if (blocks) Blocking.sleep(ONE_MS);
            long v = Work.quick(k);
            return v == value.longValue() ? value : Long.valueOf(v);   // both Long: no unboxing, no new box
        }

        @Override
        public void onOutcome(Outcome outcome, Long v, Throwable error) {
            if (outcome != (blocks ? Outcome.IN_PROGRESS : Outcome.QUICK) || error != null) batch.wrong(outcome + " " + error);
            batch.doneOnLoop(k, v == null ? -1 : v);
        }
    }

    @Benchmark
    public void asysExecute(AsysPrepared a) throws Exception {
        int position = a.window.position();
        Work.Batch batch = a.window.next("asysExecute");
        batch.arm(Work.BATCH);
        Prepared[] calls = a.calls[position];
        a.loop.execute(() -> {
            for (Prepared c : calls) a.loop.execute(c, c);
        });
    }

    private void runAsys(Asys a, String who) throws Exception {
        Work.Batch batch = a.window.next(who);
        batch.arm(Work.BATCH);
        int pct = share;
        a.loop.execute(() -> {
            for (int i = 0; i < Work.BATCH; i++) {
                final int k = i;
                boolean blocks = Work.blocks(k, pct);
                Outcome expected = blocks ? Outcome.IN_PROGRESS : Outcome.QUICK;
                Call<Long> call = blocks ? () -> { Blocking.sleep(ONE_MS); return Work.quick(k); } : () -> Work.quick(k);
                a.loop.submit(call, (CallHandle<Long> r) -> {
                            if (r.outcome() != expected || r.error() != null) batch.wrong(r);
                            batch.doneOnLoop(k, r.value() == null ? -1 : r.value());
                        });
            }
        });
    }

    /** Vert.x 5: an event-loop context; every call through executeBlocking (unordered), since the
     *  loop cannot know which call will block; the result comes back on the loop. */
    @State(Scope.Benchmark)
    public static class VertxLoop extends Work.VertxContext {
        final Work.Window window = new Work.Window();

        @Override
        @TearDown
        public void tearDown() throws Exception {
            window.drain("vertx: the last batches");
            super.tearDown();
        }
    }

    @Benchmark
    public void vertx(VertxLoop v) throws Exception {
        Work.Batch batch = v.window.next("vertx");
        batch.arm(Work.BATCH);
        int pct = share;
        v.ctx.runOnContext(ignored -> {
            for (int i = 0; i < Work.BATCH; i++) {
                final int k = i;
                boolean blocks = Work.blocks(k, pct);
                v.vertx.executeBlocking(() -> blocks ? Work.sleepingCall(k) : Work.quick(k), false).onComplete(ar -> {
                    if (ar.failed()) batch.wrong(ar.cause());
                    batch.doneOnLoop(k, ar.succeeded() ? ar.result() : -1);   // on the event loop
                });
            }
        });
    }

    /** A ForkJoinPool with one worker per core; each call a pool task that wraps the call in
     *  ForkJoinPool.managedBlock, so the pool can add a thread while it blocks. */
    @State(Scope.Benchmark)
    public static class ForkJoin {
        final Work.Window window = new Work.Window();
        ForkJoinPool pool;

        @Setup
        public void setup() { pool = new ForkJoinPool(Runtime.getRuntime().availableProcessors()); }

        @TearDown
        public void tearDown() throws Exception {
            window.drainAndStop(pool, "forkJoinManagedBlock");
        }
    }

    /** One call wrapped for managedBlock. */
    static final class ManagedCall implements ForkJoinPool.ManagedBlocker {
        final int i;
        final boolean blocks;
        long value;
        boolean done;

        ManagedCall(int i, boolean blocks) {
            this.i = i;
            this.blocks = blocks;
        }

        @Override
        public boolean block() throws InterruptedException {
            value = blocks ? Work.sleepingCall(i) : Work.quick(i);
            done = true;
            return true;
        }

        @Override
        public boolean isReleasable() { return done; }
    }

    /** How a thread-per-call or pool contender starts call {@code k} of {@code batch}. */
    interface Starter {
        void start(Work.Batch batch, int k, boolean blocks);
    }

    /** A batch for a contender that hands each call to a thread or pool (no loop of its own:
     *  the cost of this loop is small beside theirs). */
    private void startEach(Work.Window window, String who, Starter starter) throws Exception {
        Work.Batch batch = window.next(who);
        batch.arm(Work.BATCH);
        for (int i = 0; i < Work.BATCH; i++) starter.start(batch, i, Work.blocks(i, share));
    }

    @Benchmark
    public void forkJoinManagedBlock(ForkJoin f) throws Exception {
        startEach(f.window, "forkJoinManagedBlock", (batch, k, blocks) -> f.pool.execute(() -> {
                ManagedCall c = new ManagedCall(k, blocks);
                try {
                    ForkJoinPool.managedBlock(c);
                } catch (InterruptedException e) {
                    batch.wrong(e);
                }
                batch.done(k, c.value);
            }));
    }

    /** A fixed pool of 20 threads (the size of Vert.x's worker pool). */
    @State(Scope.Benchmark)
    public static class FixedPool {
        final Work.Window window = new Work.Window();
        ExecutorService pool;

        @Setup
        public void setup() { pool = Executors.newFixedThreadPool(20); }

        @TearDown
        public void tearDown() throws Exception {
            window.drainAndStop(pool, "completableFuture");
        }
    }

    @Benchmark
    public void completableFuture(FixedPool p) throws Exception {
        startEach(p.window, "completableFuture", (batch, k, blocks) -> CompletableFuture.supplyAsync(() -> {
                try {
                    return blocks ? Work.sleepingCall(k) : Work.quick(k);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }, p.pool).whenComplete((v, e) -> {
                if (e != null) batch.wrong(e);
                batch.done(k, e == null ? v : -1);
            }));
    }

    /** One virtual thread per call (Java 21+; BenchMain runs this on the JDK 25 it finds). */
    @State(Scope.Benchmark)
    public static class Virtual {
        final Work.Window window = new Work.Window();
        ThreadFactory factory;

        @Setup
        public void setup() {
            factory = Work.virtualThreadFactory();
            if (factory == null) {
                throw new UnsupportedOperationException("virtual threads need Java 21 or later; this JVM is "
                        + System.getProperty("java.version") + " (BenchMain runs this benchmark on JDK 25 when it finds one)");
            }
        }

        @TearDown
        public void tearDown() throws Exception {
            window.drain("virtualThreads: the last batches");
        }
    }

    @Benchmark
    public void virtualThreads(Virtual vt) throws Exception {
        startEach(vt.window, "virtualThreads", (batch, k, blocks) -> vt.factory.newThread(() -> {
                try {
                    batch.done(k, blocks ? Work.sleepingCall(k) : Work.quick(k));
                } catch (InterruptedException e) {
                    batch.wrong(e);
                    batch.done(k, Work.quick(k));
                }
            }).start());
    }
}
