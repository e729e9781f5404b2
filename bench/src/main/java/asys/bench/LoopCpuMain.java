package asys.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The loop's own CPU per quick call: the CPU time the loop's thread spent (from
 * {@link ThreadMXBean#getThreadCpuTime}) over the calls it ran, for two of {@link CallsBench}'s
 * benchmarks driven as JMH drives them (the same state objects, the same benchmark methods, the
 * same window of batches): asys's execute form ({@code asysExecute}) and the design's steps on a
 * loop thread of their own ({@code designStepsOnLoop}), alternated round by round in one JVM.
 * The figure leaves out what JMH's throughput counts and the loop does not spend (the benchmark
 * thread's wake-ups, the time the loop waits for work), so it moves less from run to run on a
 * shared machine: the measure for a change to the fast path smaller than JMH's noise, and the
 * difference of the two rows (the median of the rounds' differences, each round's two rows run
 * back to back) is asys's own cost per call over the design's.
 *
 * <p>The loops allocate nothing per call, so without a collection their objects would stay young,
 * and G1 skips its write barrier for a store into a young object: the measured rounds come after
 * a full collection, which makes the loops' queues, records and calls old, as they are in a
 * server that has run a while (and in JMH's runs, whose own allocations bring collections).
 *
 * <p>With {@code fresh}, the benchmark's thread makes each batch's calls anew just before it hands
 * the batch over (their handlers the same objects), as a server makes a request's: the calls are
 * young and the loops' queues and records old, so every reference a loop stores to a call into
 * its own objects pays G1's barrier in full (a StoreLoad fence). Without it, the calls are made
 * once, as in {@code CallsBench}, and the collection may put them and the loops' objects in the
 * same region, where the barrier costs nothing.
 *
 * <p>Usage: {@code LoopCpuMain [SECONDS_PER_ROUND [ROUNDS [fresh]]]} (defaults 2 and 7; the first
 * two rounds are warm-up). Ends with one line:
 * {@code loop-cpu: asysExecute A ns, designStepsOnLoop D ns of loop CPU per quick call (medians of N rounds, calls made beforehand|per batch); asys's own O ns},
 * or {@code loop-cpu: FAILED ...} and exit status 1.
 */
public final class LoopCpuMain {

    private static final int WARM_UP = 2;

    /** Code that may throw, as a benchmark method and a state's tear-down do. */
    private interface Step {
        void run() throws Exception;
    }

    /** One of the two benchmarks, its state set up as JMH sets it up: its window of batches, the
     *  calls of each batch, the benchmark method, the loop's thread and the tear-down. */
    private record Contender(String name, Work.Window window, CallsBench.Prepared[][] calls, Step benchmark,
                             long loopThread, Step close) {
        /** One operation: a batch handed to the loop (its calls made anew first, with {@code fresh}). */
        void op(boolean fresh) throws Exception {
            if (fresh) makeAnew(window, calls, name);
            benchmark.run();
        }

        /** Every call handed over so far has run, and its result was checked. */
        void drain() throws Exception { window.drain(name); }
    }

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 2;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        boolean fresh = args.length > 2 && args[2].equals("fresh");
        if (!(seconds > 0) || rounds <= WARM_UP || args.length > 3 || (args.length == 3 && !fresh)) {
            System.err.println("usage: LoopCpuMain [SECONDS_PER_ROUND > 0 [ROUNDS > " + WARM_UP + " [fresh]]]");
            System.exit(2);
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        if (!mx.isThreadCpuTimeSupported()) {
            System.err.println("loop-cpu: this JVM cannot measure another thread's CPU time");
            System.exit(2);
        }
        mx.setThreadCpuTimeEnabled(true);

        CallsBench bench = new CallsBench();
        bench.share = 0;
        CallsBench.AsysPrepared a = new CallsBench.AsysPrepared();
        a.setup();
        a.prepare(bench);
        CallsBench.DesignStepsOnLoop d = new CallsBench.DesignStepsOnLoop();
        d.prepare(bench);
        d.startLoop();
        Contender[] contenders = {
            new Contender("asysExecute", a.window, a.calls, () -> bench.asysExecute(a),
                    a.loop.submit(() -> Thread.currentThread().getId()).get(), a::tearDown),
            new Contender("designStepsOnLoop", d.window, d.calls, () -> bench.designStepsOnLoop(d),
                    d.loop.submit(() -> Thread.currentThread().getId()).get(), d::stopLoop),
        };

        double[][] perCall = new double[contenders.length][rounds - WARM_UP];
        try {
            for (int round = 0; round < rounds; round++) {
                if (round == WARM_UP) System.gc();   // the loops' objects old (see above)
                StringBuilder line = new StringBuilder("round " + (round + 1) + (round < WARM_UP ? " (warm-up)" : "") + ":");
                for (int c = 0; c < contenders.length; c++) {
                    Contender k = contenders[c];
                    long cpu0 = mx.getThreadCpuTime(k.loopThread()), n = 0;
                    long end = System.nanoTime() + (long) (seconds * 1e9);
                    while (System.nanoTime() < end) {
                        k.op(fresh);
                        n += Work.BATCH;
                    }
                    k.drain();   // every call of the round ran (and its result was checked)
                    long cpu1 = mx.getThreadCpuTime(k.loopThread());
                    if (cpu0 < 0 || cpu1 < 0) throw new IllegalStateException(k.name() + ": the loop's thread is gone");
                    double ns = (cpu1 - cpu0) / (double) n;
                    line.append(String.format(" %s %.2f ns", k.name(), ns));
                    if (round >= WARM_UP) perCall[c][round - WARM_UP] = ns;
                }
                System.out.println(line.append(" of loop CPU per call"));
            }
        } catch (Exception e) {
            System.out.println("loop-cpu: FAILED, " + e);
            System.exit(1);
        } finally {
            for (Contender k : contenders) k.close().run();
        }
        double[] own = new double[rounds - WARM_UP];   // paired: the two rows of one round ran back to back
        for (int r = 0; r < own.length; r++) own[r] = perCall[0][r] - perCall[1][r];
        Arrays.sort(own);
        double[] median = new double[contenders.length];
        for (int c = 0; c < contenders.length; c++) {
            Arrays.sort(perCall[c]);
            median[c] = perCall[c][perCall[c].length / 2];
        }
        System.out.printf("loop-cpu: asysExecute %.2f ns, designStepsOnLoop %.2f ns of loop CPU per quick call (medians of %d rounds, calls made %s); asys's own %.2f ns%n",
                median[0], median[1], rounds - WARM_UP, fresh ? "per batch" : "beforehand", own[own.length / 2]);
    }

    /** The next batch's calls made anew, once the loop is done with the batch's last ones. */
    private static void makeAnew(Work.Window window, CallsBench.Prepared[][] calls, String who) throws Exception {
        int p = window.position();
        Work.Batch b = window.at(p);
        if (b.armed) b.await(who);
        for (int i = 0; i < Work.BATCH; i++) calls[p][i] = new CallsBench.Prepared(b, i, false);
    }
}
