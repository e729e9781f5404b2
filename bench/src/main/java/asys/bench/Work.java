package asys.bench;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** What every contender runs: the same calls, the same check of their results. */
final class Work {

    /** Calls per benchmark operation: the cost of waking the measuring thread is paid once a batch. */
    static final int BATCH = 1000;

    /** How long a blocking call blocks. */
    static final long BLOCK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

    private Work() {}

    /** The non-blocking call: a few arithmetic instructions. */
    static long quick(long i) {
        return (i * 0x9E3779B97F4A7C15L) >>> 17;
    }

    /** Call i of a batch blocks when it falls in the first {@code sharePercent} of each hundred. */
    static boolean blocks(int i, int sharePercent) {
        return i % 100 < sharePercent;
    }

    /** How many calls of a batch block. */
    static int blocking(int batch, int sharePercent) {
        int n = 0;
        for (int i = 0; i < batch; i++) if (blocks(i, sharePercent)) n++;
        return n;
    }

    /** The blocking call as a peer makes it: the thread sleeps 1 ms. */
    static long sleepingCall(long i) throws InterruptedException {
        Thread.sleep(1);
        return quick(i);
    }

    /** Virtual threads through reflection (Java 21+; this module compiles for 17); null before 21. */
    static ThreadFactory virtualThreadFactory() {
        try {
            Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
            return (ThreadFactory) Class.forName("java.lang.Thread$Builder").getMethod("factory").invoke(builder);
        } catch (ReflectiveOperationException e) {
            return null;
        }
    }

    /**
     * One batch's completions, counted by whichever threads run the handlers; the measuring thread
     * waits for the last. Also counts results that are wrong, so that a broken path cannot look fast.
     */
    static final class Batch {
        private final AtomicInteger left = new AtomicInteger();
        private final AtomicInteger wrong = new AtomicInteger();
        private volatile Thread waiter;
        int expected;

        /** Per-loop counts of calls left, for a batch spread over several loops (each loop counts
         *  its own and reports once); loop j writes only element j. */
        int[] perLoop;

        /** Armed and not yet awaited. */
        boolean armed;

        void arm(int n) {
            armed = true;
            expected = n;
            wrong.set(0);
            waiter = Thread.currentThread();
            leftOnLoop = n;
            left.set(n);
        }

        /** Calls left, for contenders whose handlers all run on one thread (a loop); plain. */
        private int leftOnLoop;

        /** A handler ran with {@code value} for call {@code i}, on any thread: an atomic count. */
        void done(long i, long value) {
            if (value != quick(i)) wrong("call " + i + " returned " + value);
            if (left.decrementAndGet() == 0) LockSupport.unpark(waiter);
        }

        /**
         * The same for a contender whose handlers all run on one thread at a time (an event loop,
         * or the caller itself): a plain count, published once at the end, as such a program
         * would count. Before the first handler of a batch runs, {@link #arm} has happened-before
         * (the batch reached the loop through a queue).
         */
        void doneOnLoop(long i, long value) {
            if (value != quick(i)) wrong("call " + i + " returned " + value);
            if (--leftOnLoop == 0) {
                left.set(0);
                LockSupport.unpark(waiter);
            }
        }

        private volatile String firstWrong;

        /** A result was wrong: {@code what} says how (the first is kept for the failure message). */
        void wrong(Object what) {
            if (wrong.getAndIncrement() == 0) firstWrong = String.valueOf(what);
        }

        /** Waits for the batch; fails loudly on a wrong or missing result (60 s at most). */
        void await(String who) throws TimeoutException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (left.get() > 0) {
                LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(10));
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException(who + ": " + left.get() + " of " + expected + " calls had no result after 60 s");
                }
            }
            armed = false;
            if (wrong.get() != 0) {
                throw new IllegalStateException(who + ": " + wrong.get() + " of " + expected + " results wrong; the first: " + firstWrong);
            }
        }
    }

    /**
     * Batches in flight: an operation hands a contender a new batch and waits only for the batch
     * it handed over {@link #DEPTH} operations earlier. So a loop always has work queued and never
     * sleeps between batches (a thread's wake-up costs about 20 us on this machine, which would
     * otherwise be paid per batch), and a batch's 1 ms calls do not cap the throughput (with few
     * batches in flight, every contender would measure the window, not itself). The window runs
     * on across iterations and is drained only at the end of the trial, so each measured
     * operation waits for a batch as in the steady state, with no free operations at an
     * iteration's start and none uncounted at its end.
     */
    static final class Window {
        static final int DEPTH = 16;
        private final Batch[] ring = new Batch[DEPTH];
        private int next;

        Window() {
            for (int k = 0; k < DEPTH; k++) ring[k] = new Batch();
        }

        /** The batch at {@code position} of the ring (a contender that prepares objects per batch). */
        Batch at(int position) { return ring[position]; }

        /** The ring position of the batch {@link #next} hands out next. */
        int position() { return next; }

        /** The batch for this operation, once the one it reuses has completed. */
        Batch next(String who) throws TimeoutException {
            Batch b = ring[next];
            next = (next + 1) % DEPTH;
            if (b.armed) b.await(who);
            return b;
        }

        /** Waits for every batch in flight. */
        void drain(String who) throws TimeoutException {
            for (Batch b : ring) if (b.armed) b.await(who);
        }

        /** Waits for every batch in flight, then stops {@code executor}, which ran them ({@link Work#stop}). */
        void drainAndStop(java.util.concurrent.ExecutorService executor, String who) throws Exception {
            drain(who + ": the last batches");
            stop(executor, who);
        }
    }

    /** Stops {@code executor}, a contender's threads: it must end within 30 s. */
    static void stop(java.util.concurrent.ExecutorService executor, String who) throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS)) {
            throw new IllegalStateException(who + ": the executor did not stop within 30 s");
        }
    }

    /** A Vert.x 5 instance and one event-loop context of it, closed after the trial. */
    @org.openjdk.jmh.annotations.State(org.openjdk.jmh.annotations.Scope.Benchmark)
    public static class VertxContext {
        io.vertx.core.Vertx vertx;
        io.vertx.core.Context ctx;

        @org.openjdk.jmh.annotations.Setup
        public void setup() {
            vertx = io.vertx.core.Vertx.vertx();
            ctx = vertx.getOrCreateContext();
        }

        @org.openjdk.jmh.annotations.TearDown
        public void tearDown() throws Exception {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
