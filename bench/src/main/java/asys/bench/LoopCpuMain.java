package asys.bench;

import asys.runtime.AsysRuntime;
import asys.runtime.Call;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import asys.runtime.OutcomeHandler;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The loop's own CPU per quick call of the execute form: the CPU time the loop's thread spent
 * (from {@link ThreadMXBean#getThreadCpuTime}) over the calls it ran, with the benchmark's thread
 * feeding it batches of 1,000 (a task each, as {@code CallsBench.asysExecute} does) and asleep
 * meanwhile. The figure leaves out what JMH's throughput counts and the loop does not spend (the
 * benchmark thread's wake-ups, the time the loop waits for work), so it moves far less from run
 * to run on a shared machine: the measure for a change to the fast path that is smaller than
 * JMH's noise. Compare two builds by running each, alternated, in one sitting. The loop allocates
 * nothing here, so without a collection its objects would stay young, and G1 skips its write
 * barrier for a store into a young object: the measured rounds come after a full collection, which
 * makes the loop's record, queue and the calls old, as they are in a server that has run a while
 * (and in JMH's runs, whose own allocations bring collections).
 *
 * <p>Usage: {@code LoopCpuMain [SECONDS_PER_ROUND [ROUNDS]]} (defaults 2 and 7; the first two
 * rounds are warm-up). Ends with one line:
 * {@code loop-cpu: execute form, X ns of loop CPU per quick call (median of N rounds; min A, max B)}.
 */
public final class LoopCpuMain {

    private static final int BATCH = Work.BATCH, DEPTH = 16, WARM_UP = 2;

    /** A quick call that is its own handler, made beforehand: the loop allocates nothing for it. */
    private static final class Quick implements Call<Long>, OutcomeHandler<Long> {
        private final Feeder feeder;
        private final Long value;

        Quick(Feeder feeder, long k) {
            this.feeder = feeder;
            this.value = Work.quick(k);
        }

        @Override
        public Long run() { return value; }

        @Override
        public void onOutcome(Outcome outcome, Long v, Throwable error) {
            if (outcome != Outcome.QUICK || v != value || error != null) feeder.wrong(outcome + " " + v + " " + error);
            feeder.handled();
        }
    }

    /** Keeps {@link #DEPTH} batches in flight; handlers count on the loop, one wake-up per batch. */
    private static final class Feeder {
        final AtomicInteger inFlight = new AtomicInteger();
        final Thread waiter = Thread.currentThread();
        long handledOnLoop;
        volatile String wrong;

        void handled() {
            if (++handledOnLoop % BATCH == 0) {
                inFlight.decrementAndGet();
                LockSupport.unpark(waiter);
            }
        }

        void wrong(String what) { if (wrong == null) wrong = what; }
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        if (!(seconds > 0) || rounds <= WARM_UP) {
            System.err.println("usage: LoopCpuMain [SECONDS_PER_ROUND > 0 [ROUNDS > " + WARM_UP + "]]");
            System.exit(2);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) {
            System.err.println("loop-cpu: this JVM cannot measure another thread's CPU time");
            System.exit(2);
        }
        mx.setThreadCpuTimeEnabled(true);
        Feeder feeder = new Feeder();
        Quick[][] calls = new Quick[DEPTH][BATCH];
        for (Quick[] batch : calls) for (int i = 0; i < BATCH; i++) batch[i] = new Quick(feeder, i);
        double[] perCall = new double[rounds - WARM_UP];
        try (AsysRuntime rt = AsysRuntime.builder().lanes(1).build()) {
            Identity loop = rt.newIdentity("loop-cpu");
            long loopThread = loop.submit(() -> Thread.currentThread().getId()).get();
            int next = 0;
            for (int round = 0; round < rounds; round++) {
                if (round == WARM_UP) System.gc();   // the loop's objects old, as in a server that has run a while (see above)
                long t0 = System.nanoTime(), cpu0 = mx.getThreadCpuTime(loopThread), n = 0;
                long end = t0 + (long) (seconds * 1e9);
                while (System.nanoTime() < end) {
                    if (feeder.inFlight.get() < DEPTH) {
                        feeder.inFlight.incrementAndGet();
                        Quick[] batch = calls[next];
                        next = (next + 1) % DEPTH;
                        loop.execute(() -> { for (Quick c : batch) loop.execute(c, c); });
                        n += BATCH;
                    } else {
                        LockSupport.parkNanos(1_000_000);
                    }
                }
                while (feeder.inFlight.get() > 0) LockSupport.parkNanos(100_000);
                long t1 = System.nanoTime(), cpu1 = mx.getThreadCpuTime(loopThread);
                if (cpu0 < 0 || cpu1 < 0) throw new IllegalStateException("the loop's thread is gone");
                double ns = (cpu1 - cpu0) / (double) n;
                System.out.printf("round %d%s: %.1f M calls/s, %.2f ns of loop CPU per call%n",
                        round + 1, round < WARM_UP ? " (warm-up)" : "", n * 1e3 / (t1 - t0), ns);
                if (round >= WARM_UP) perCall[round - WARM_UP] = ns;
            }
            rt.close(Duration.ofSeconds(10));
        }
        if (feeder.wrong != null) {
            System.out.println("loop-cpu: FAILED, a call's outcome was wrong: " + feeder.wrong);
            System.exit(1);
        }
        Arrays.sort(perCall);
        System.out.printf("loop-cpu: execute form, %.2f ns of loop CPU per quick call (median of %d rounds; min %.2f, max %.2f)%n",
                perCall[perCall.length / 2], perCall.length, perCall[0], perCall[perCall.length - 1]);
    }
}
