package asys.bench;

import asys.modelcheck.Jdk25;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;

/**
 * Turns one bench run's results into the tables of bench/results/<profile>.md (one per scenario, each with its goal),
 * the plots (PNG, JFreeChart) and the goal verdicts. Every figure comes from the results of the
 * run at hand; nothing is carried over from an earlier run.
 */
final class Report {

    /**
     * A goal and its verdict in this run. {@code floor}: what the same run measured beneath the
     * goal, the cost that no contender of the kind avoids (a queued call, a thread's wake-up, the
     * workload's own delay on a loop that waits for no thread), so that a goal set below it reads
     * as such; null where there is none to give.
     */
    record Goal(String scenario, String what, String measured, String target, boolean met, String note, String floor) {
        Goal(String scenario, String what, String measured, String target, boolean met, String note) {
            this(scenario, what, measured, target, met, note, null);
        }
    }

    private final String profile;
    private final String date;
    private final BenchMain.Machine machine;
    private final Jdk25 jdk25;
    private final Map<String, Collection<RunResult>> results;
    private final Path out;
    private final List<Goal> goals = new ArrayList<>();
    private final StringBuilder md = new StringBuilder();

    /** The rows measured again with more iterations (see {@link BenchMain#JUDGED}), as the run
     *  names them. */
    private final List<String> remeasured;

    Report(String profile, String date, BenchMain.Machine machine, Jdk25 jdk25,
           Map<String, Collection<RunResult>> results, List<String> remeasured, Path out) {
        this.profile = profile;
        this.remeasured = remeasured;
        this.date = date;
        this.machine = machine;
        this.jdk25 = jdk25;
        this.results = results;
        this.out = out;
        build();
    }

    List<Goal> goals() { return goals; }

    long goalsMet() { return goals.stream().filter(Goal::met).count(); }

    String markdown() { return md.toString(); }

    // ---- lookup ----------------------------------------------------------------------------

    /** The result of {@code method} in {@code run} with the given parameter value (or any), or null. */
    private RunResult find(String run, String method, String param, String value) {
        Collection<RunResult> rs = results.get(run);
        if (rs == null) return null;
        for (RunResult r : rs) {
            String b = r.getParams().getBenchmark();
            if (!b.substring(b.lastIndexOf('.') + 1).equals(method)) continue;
            if (param != null && !value.equals(r.getParams().getParam(param))) continue;
            return r;
        }
        return null;
    }

    private static double score(RunResult r) { return r == null ? Double.NaN : r.getPrimaryResult().getScore(); }

    private static double error(RunResult r) { return r == null ? Double.NaN : r.getPrimaryResult().getScoreError(); }

    private static String num(double v) {
        if (Double.isNaN(v)) return "n/a";
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%,.0f", v);
        if (Math.abs(v) >= 10) return String.format(Locale.ROOT, "%.1f", v);
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String pm(RunResult r) {
        double e = error(r);
        return num(score(r)) + (Double.isNaN(e) ? "" : " ± " + num(e));
    }

    private static String ratio(double v) { return Double.isNaN(v) ? "n/a" : num(v) + "×"; }

    // ---- the tables ------------------------------------------------------------------------

    private static final String[][] CONTENDERS = {
            {"direct", "direct call (the floor)"},
            {"queuedLoop", "a plain queue: call and handler queued, then run (the floor of a queued call)"},
            {"designSteps", "the plain queue with the design's steps per call, as plain fields (the floor of the design)"},
            {"designStepsOnLoop", "the design's steps on a loop thread fed batches as asys's loop is (the floor of the design on a loop)"},
            {"asys", "asys (handler form, a handle per call)"},
            {"asysExecute", "asys, execute form (no handle; calls made beforehand)"},
            {"asysTraced", "asys, trace recording on"},
            {"vertx", "Vert.x 5 executeBlocking"},
            {"forkJoinManagedBlock", "ForkJoinPool.managedBlock"},
            {"completableFuture", "CompletableFuture.supplyAsync, fixed pool of 20"}};

    private void build() {
        String cmd = profile.equals("quick") ? "make bench" : "make bench-full";
        md.append("Produced by `").append(cmd).append("` on ").append(date).append(": ").append(machine.cores())
                .append(" cores (").append(machine.cpu()).append("), ").append(machine.memoryMiB()).append(" MiB, ")
                .append(machine.os()).append("; JDK ").append(System.getProperty("java.version"))
                .append(jdk25.path() == null ? "; no JDK 25, so no virtual threads" : "; virtual threads on JDK " + jdk25.version())
                .append(". Profile ").append(profile).append(profile.equals("quick")
                        ? " (1 fork, 2 warm-up and 3 measured iterations of 1 s: errors are wide)"
                        : " (3 forks, each 3 warm-up and 3 measured iterations of 1 s)")
                .append(". Raw JMH output: `bench/results/").append(profile).append(".json`.\n\n");
        if (!remeasured.isEmpty()) {
            md.append("Measured again with twice the iterations, their error having exceeded 20 % of their score (the tables ")
                    .append("give the second measurement): ").append(String.join("; ", remeasured)).append(".\n\n");
        }
        callsTable("s1-fast-path", "0", "1. Trivial non-blocking call", profile + "-s1.png");
        callsTable("s2-mixed", "1", "2. Mixed load: 99 % non-blocking, 1 % blocking 1 ms", profile + "-s2.png");
        handoff();
        stall();
        scale();
        rawStall();
        agentCost();
        pool();
        md.append("#### Goals\n\nThe floor: what this run measured beneath the goal, which no contender of its kind avoids.\n\n")
                .append("| scenario | goal | measured | target | floor, this run | verdict |\n|---|---|---|---|---|---|\n");
        for (Goal g : goals) {
            md.append("| ").append(g.scenario()).append(" | ").append(g.what()).append(" | ").append(g.measured()).append(" | ")
                    .append(g.target()).append(" | ").append(g.floor() == null ? "" : g.floor()).append(" | ")
                    .append(g.met() ? "met" : "missed: " + g.note()).append(" |\n");
        }
        md.append('\n');
    }

    private void callsTable(String run, String share, String title, String png) {
        RunResult direct = find(run, "direct", "share", share);
        RunResult asys = find(run, "asys", "share", share);
        RunResult execute = find(run, "asysExecute", "share", share);
        boolean gc = direct != null && allocated(direct) != null;
        md.append("#### ").append(title).append("\n\n![").append(title).append("](").append(png).append(")\n\n");
        md.append("| contender | calls/s | ns per call | vs direct | asys execute form ÷ contender |")
                .append(gc ? " bytes allocated per call |\n|---|---|---|---|---|---|\n" : "\n|---|---|---|---|---|\n");
        List<String[]> rows = new ArrayList<>();
        for (String[] c : CONTENDERS) rows.add(new String[] {run, c[0], c[1]});
        rows.add(new String[] {"s1-s2-jdk25", "asys", "asys (JDK 25)"});
        rows.add(new String[] {"s1-s2-jdk25", "asysExecute", "asys, execute form (JDK 25)"});
        rows.add(new String[] {"s1-s2-jdk25", "virtualThreads", "virtual thread per call (JDK 25)"});
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (String[] row : rows) {
            RunResult r = find(row[0], row[1], "share", share);
            if (r == null) continue;
            double sc = score(r);
            double nsPer = 1e9 / sc, nsErr = 1e9 * error(r) / (sc * sc);
            md.append("| ").append(row[2]).append(wide(r) ? " (error over 20 %)" : "").append(" | ").append(pm(r)).append(" | ").append(num(nsPer))
                    .append(Double.isNaN(nsErr) ? "" : " ± " + num(nsErr)).append(" | ")
                    .append(ratio(sc / score(direct))).append(" | ").append(ratio(score(execute) / sc)).append(" |");
            if (gc) md.append(' ').append(allocated(r) == null ? "" : num(allocated(r))).append(" |");
            md.append('\n');
            data.addValue(sc, "calls/s", row[2]);
        }
        if (jdk25.path() == null) md.append("| virtual thread per call | skipped: no JDK 25 on this machine | | | |\n");
        md.append('\n');
        barChart(data, title, "calls per second (log scale)", true, png);
        RunResult vertx = find(run, "vertx", "share", share);
        if (share.equals("0")) {
            double overhead = 1e9 / score(execute) - 1e9 / score(direct);
            RunResult queued = find(run, "queuedLoop", "share", share), steps = find(run, "designSteps", "share", share),
                    onLoop = find(run, "designStepsOnLoop", "share", share);
            double queuedNs = queued == null ? Double.NaN : 1e9 / score(queued) - 1e9 / score(direct);
            goals.add(new Goal("1", "asys fast path (execute form) over a direct call", num(overhead) + " ns per call"
                    + " (handler form " + num(1e9 / score(asys) - 1e9 / score(direct)) + " ns)", "≤ 10 ns",
                    overhead <= 10, "by " + num(overhead - 10) + " ns",
                    queued == null ? null : "a plain queue: " + num(queuedNs) + " ns" + beyond(queuedNs > 10)
                            + (steps == null ? "" : "; with the design's steps " + num(1e9 / score(steps) - 1e9 / score(direct)) + " ns")
                            + (onLoop == null ? "" : ", on a loop thread " + num(1e9 / score(onLoop) - 1e9 / score(direct)) + " ns")));
            double r = score(execute) / score(vertx), queuedRatio = queued == null ? Double.NaN : score(queued) / score(vertx);
            goals.add(new Goal("1", "asys (execute form) ÷ Vert.x executeBlocking, throughput", ratio(r), "≥ 30×", r >= 30,
                    "by a factor of " + num(30 / r),
                    queued == null ? null : "a plain queue ÷ Vert.x: " + ratio(queuedRatio) + beyond(queuedRatio < 30)));
            Double bytes = allocated(execute);
            if (bytes != null) {
                goals.add(new Goal("1", "bytes allocated per quick call, execute form (the benchmark's own objects made beforehand)",
                        num(bytes), "< 1", bytes < 1, "by " + num(bytes) + " B"));
            }
        } else {
            double r = score(execute) / score(vertx);
            goals.add(new Goal("2", "asys (execute form) ÷ Vert.x executeBlocking, throughput", ratio(r), "≥ 3×", r >= 3,
                    "by a factor of " + num(3 / r), wakeUpPerBlockingCall(score(vertx), Integer.parseInt(share))));
        }
    }

    /** The floor's verdict on the goal: set beyond what no contender of the kind reaches. */
    private static String beyond(boolean goalBeyond) { return goalBeyond ? " (the goal lies beyond it)" : ""; }

    /**
     * The mixed load's floor: a blocking call costs at least one thread's wake-up (half the unpark
     * ping-pong of scenario 3), against the time 3× Vert.x leaves per blocking call and its quick
     * neighbours ({@code vertxPerSecond} calls per second, {@code share} percent blocking).
     */
    private String wakeUpPerBlockingCall(double vertxPerSecond, int share) {
        RunResult pp = find("s3-handoff", "unparkPingPong", null, null);
        if (pp == null || share <= 0) return null;
        double wakeUp = score(pp) / 2, leaves = 1e6 / vertxPerSecond / 3 * (100.0 / share);
        return "one thread's wake-up per blocking call (half the unpark ping-pong): " + num(wakeUp) + " µs; the goal leaves "
                + num(leaves) + " µs per blocking call and its " + (100 / share - 1) + " quick neighbours" + beyond(wakeUp > leaves);
    }

    /** Bytes allocated per call (JMH's GC profiler, when it ran), or null. */
    private static Double allocated(RunResult r) {
        if (r == null) return null;
        Result a = r.getSecondaryResults().get("gc.alloc.rate.norm");
        if (a == null) a = r.getSecondaryResults().get("·gc.alloc.rate.norm");
        return a == null ? null : a.getScore();
    }

    /** A row whose error exceeds 20 % of its score: too wide to judge a goal on. */
    static boolean wide(RunResult r) {
        double e = error(r), sc = score(r);
        return !Double.isNaN(e) && sc > 0 && e > 0.2 * sc;
    }

    /** The bound (in ns) of the first bucket that holds fraction {@code q} of the samples: the
     *  percentile to the bucket; NaN when no bucket does. {@code buckets}: bound in ns, counter. */
    private static double percentile(Map<String, Result> aux, String samples, Object[][] buckets, double q) {
        Result n = aux.get(samples);
        if (n == null || n.getScore() == 0) return Double.NaN;
        for (Object[] b : buckets) {
            Result c = aux.get((String) b[1]);
            if (c != null && c.getScore() >= q * n.getScore()) return ((Number) b[0]).doubleValue();
        }
        return Double.NaN;
    }

    /** A bucketed percentile for a table: "≤ X µs", or "> the last bound". */
    private static String upTo(double ns, Object[][] buckets) {
        if (Double.isNaN(ns)) return "> " + num(((Number) buckets[buckets.length - 1][0]).doubleValue() / 1000) + " µs";
        return "≤ " + num(ns / 1000) + " µs";
    }

    private static final Object[][] HANDOFF_BUCKETS = {{500, "within500ns"}, {1_000, "within1us"}, {2_000, "within2us"},
            {5_000, "within5us"}, {10_000, "within10us"}, {20_000, "within20us"}, {50_000, "within50us"}};
    private static final Object[][] DELAY_BUCKETS = {{2_000, "within2us"}, {5_000, "within5us"}, {10_000, "within10us"},
            {20_000, "within20us"}, {50_000, "within50us"}, {100_000, "within100us"}, {200_000, "within200us"},
            {500_000, "within500us"}, {1_000_000, "within1ms"}, {2_000_000, "within2ms"}};

    private void handoff() {
        RunResult pp = find("s3-handoff", "unparkPingPong", null, null);
        RunResult spin = find("s3-handoff", "spinPingPong", null, null);
        RunResult design = find("s3-handoff", "designHandoff", null, null);
        md.append("#### 3. Handoff latency\n\n![3. Handoff latency](").append(profile).append("-s3.png)\n\n");
        if (pp == null || find("s3-handoff", "asysHandoff", "spare", "parked") == null) {
            md.append("(not run)\n\n");
            return;
        }
        double half = score(pp) / 2, spinHalf = score(spin) / 2;
        md.append("A call blocks; its loop runs its next task on the spare. Per handoff: the mean, the median to the bucket, ")
                .append("and the CPU the process used meanwhile (cores: CPU time ÷ wall time) over the handoff cycles, and over ")
                .append("idle spells of ").append(HandoffBench.IDLE_MS).append(" ms after a cycle (the hot spare spins at most its window, 2 ms, of it).\n\n")
                .append("| the spare the hook finds | mean µs | median | vs half an unpark round trip | CPU cores, busy | CPU cores, idle |\n")
                .append("|---|---|---|---|---|---|\n");
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        String[][] spares = {{"parked", "parked (`spinBeforePark` 0, no hot spare), like the ping-pong partner"},
                {"spinning", "back in its pool moments ago, still spinning (`spinBeforePark` 20 µs, the default with 4 cores or more; no hot spare)"},
                {"hot", "hot (`hotSpare` 2 ms: the lane hands over often, its next spare spins and yields)"}};
        double hotP50 = Double.NaN, hotMean = Double.NaN;
        for (String[] sp : spares) {
            RunResult h = find("s3-handoff", "asysHandoff", "spare", sp[0]);
            RunResult idle = find("s3-handoff", "asysIdle", "spare", sp[0]);
            if (h == null) continue;
            Map<String, Result> aux = h.getSecondaryResults();
            double us = aux.get("handoffNanos").getScore() / aux.get("handoffs").getScore() / 1000.0;
            double p50 = percentile(aux, "handoffs", HANDOFF_BUCKETS, 0.5);
            if (sp[0].equals("hot")) {
                hotP50 = p50;
                hotMean = us;
            }
            md.append("| ").append(sp[1]).append(" | ").append(num(us)).append(" | ").append(upTo(p50, HANDOFF_BUCKETS)).append(" | ")
                    .append(ratio(us / half)).append(" | ").append(num(cores(aux, "busy"))).append(" | ")
                    .append(idle == null ? "n/a" : num(cores(idle.getSecondaryResults(), "idle"))).append(" |\n");
            d.addValue(us, "µs", "asys, spare " + sp[0]);
        }
        md.append("\n| floor | µs |\n|---|---|\n")
                .append("| `LockSupport.unpark` ping-pong, round trip | ").append(pm(pp)).append(" |\n")
                .append("| half of it: the floor for a handoff to a parked thread | ").append(num(half)).append(" |\n");
        if (spin != null) {
            md.append("| ping-pong of two spinning threads, round trip | ").append(pm(spin)).append(" |\n")
                    .append("| half of it: the floor for a handoff to a spinning thread (a cache line each way) | ").append(num(spinHalf)).append(" |\n");
        }
        double designMean = Double.NaN, designP50 = Double.NaN;
        if (design != null) {
            Map<String, Result> aux = design.getSecondaryResults();
            designMean = aux.get("handoffNanos").getScore() / aux.get("handoffs").getScore() / 1000.0;
            designP50 = percentile(aux, "handoffs", HANDOFF_BUCKETS, 0.5);
            md.append("| the design's handoff as plain fields, to a spinning spare (`designHandoff`): mean | ").append(num(designMean)).append(" |\n")
                    .append("| its median | ").append(upTo(designP50, HANDOFF_BUCKETS)).append(" |\n");
        }
        md.append('\n');
        String tail = tail(find("s3-handoff", "asysHandoffRunDelay", "spare", "hot"), "handoffs",
                "handoffs over " + HandoffBench.TAIL_NANOS / 1000 + " µs", "the spare", "handoff");
        if (tail != null) {
            md.append("The hot spare's tail taken apart (`asysHandoffRunDelay`: the same cycle, with the run delay Linux counts ")
                    .append("for the thread that ran the probe, the spare that took the loop over, `/proc/thread-self/schedstat`, ")
                    .append("read outside the timestamps): ").append(tail).append(".\n\n");
        }
        d.addValue(half, "µs", "half unpark ping-pong");
        if (spin != null) d.addValue(spinHalf, "µs", "half spin ping-pong");
        if (design != null) d.addValue(designMean, "µs", "the design's handoff, plain fields");
        barChart(d, "3. Handoff latency", "µs", false, profile + "-s3.png");
        goals.add(new Goal("3", "asys handoff to a hot spare, median", upTo(hotP50, HANDOFF_BUCKETS) + " (mean " + num(hotMean)
                + " µs; the design's handoff as plain fields: median " + upTo(designP50, HANDOFF_BUCKETS) + ", mean " + num(designMean)
                + " µs; a cache line: " + num(spinHalf) + " µs)", "≤ 1 µs", hotP50 <= 1_000, "median " + upTo(hotP50, HANDOFF_BUCKETS),
                tail == null ? null : "asys's tail: " + tail));
    }

    /** CPU cores the process used over the benchmark's busy or idle spells (CPU time ÷ wall time). */
    private static double cores(Map<String, Result> aux, String spell) {
        Result cpu = aux.get(spell + "CpuNanos"), wall = aux.get(spell + "WallNanos");
        return cpu == null || wall == null || wall.getScore() == 0 ? Double.NaN : cpu.getScore() / wall.getScore();
    }

    private void stall() {
        md.append("#### 4. Loop stall while a call blocks 1 ms\n\n![4. Loop stall](").append(profile)
                .append("-s4.png)\n\nAs the loop sees it: a task on the loop takes a timestamp, queues a probe task and starts a ")
                .append("call that blocks 1 ms; the probe takes the second when it runs. The percentiles are to the bucket.\n\n")
                .append("| contender | p50 | p99 | p99.9 | mean µs | samples |\n|---|---|---|---|---|---|\n");
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        String[][] onLoop = {{"directOnLoop", null, "a plain loop, the call inline"}, {"asysOnLoop", "default", "asys (this machine's defaults)"},
                {"asysOnLoop", "on", "asys, hot spare on (2 ms)"}, {"vertxOnLoop", null, "Vert.x 5 executeBlocking"},
                {"wakeUpOnLoop", null, "floor: a parked thread, from `unpark` to running"}};
        double asysP99 = Double.NaN;
        for (String[] w : onLoop) {
            RunResult r = find("s4-stall", w[0], w[1] == null ? null : "hotSpare", w[1]);
            if (r == null) continue;
            Map<String, Result> aux = r.getSecondaryResults();
            double p50 = percentile(aux, "samples", DELAY_BUCKETS, 0.5), p99 = percentile(aux, "samples", DELAY_BUCKETS, 0.99),
                    p999 = percentile(aux, "samples", DELAY_BUCKETS, 0.999);
            double mean = aux.get("delayNanos").getScore() / aux.get("samples").getScore() / 1000;
            if (w[0].equals("asysOnLoop") && "default".equals(w[1])) asysP99 = p99;
            md.append("| ").append(w[2]).append(" | ").append(upTo(p50, DELAY_BUCKETS)).append(" | ").append(upTo(p99, DELAY_BUCKETS))
                    .append(" | ").append(upTo(p999, DELAY_BUCKETS)).append(" | ").append(num(mean)).append(" | ")
                    .append(num(aux.get("samples").getScore())).append(" |\n");
            d.addValue(p50 / 1000, "p50", w[2]);
            d.addValue(p99 / 1000, "p99", w[2]);
        }
        md.append(runDelays());
        md.append("\nAs the measuring thread sees it (JMH sample mode: two thread wake-ups included, the loop's and its own):\n\n")
                .append("| contender | p50 µs | p99 µs | p99.9 µs | mean µs | samples |\n|---|---|---|---|---|---|\n");
        String[][] who = {{"direct", null, "a plain loop, the call inline"}, {"asys", "default", "asys (this machine's defaults)"},
                {"asys", "on", "asys, hot spare on (2 ms)"}, {"vertx", null, "Vert.x 5 executeBlocking"}};
        for (String[] w : who) {
            RunResult r = find("s4-stall", w[0], w[1] == null ? null : "hotSpare", w[1]);
            if (r == null) continue;
            var st = r.getPrimaryResult().getStatistics();
            md.append("| ").append(w[2]).append(" | ").append(num(st.getPercentile(50))).append(" | ").append(num(st.getPercentile(99)))
                    .append(" | ").append(num(st.getPercentile(99.9))).append(" | ").append(pm(r)).append(" | ").append(st.getN()).append(" |\n");
        }
        md.append('\n');
        barChart(d, "4. Delay of a ready task while a call blocks 1 ms (as the loop sees it)", "µs (log scale)", true, profile + "-s4.png");
        RunResult wake = find("s4-stall", "wakeUpOnLoop", null, null);
        double wakeP99 = loopP99(wake);
        goals.add(new Goal("4", "asys: p99 delay of a ready task, as the loop sees it", upTo(asysP99, DELAY_BUCKETS), "≤ 20 µs",
                asysP99 <= 20_000, "p99 " + upTo(asysP99, DELAY_BUCKETS),
                wake == null ? null : "a parked thread's wake-up, from `unpark` to running: p99 " + upTo(wakeP99, DELAY_BUCKETS)
                        + beyond(wakeP99 > 20_000) + ", p50 " + upTo(percentile(wake.getSecondaryResults(), "samples", DELAY_BUCKETS, 0.5),
                        DELAY_BUCKETS)));
    }

    /** The tail of asys's loop-side delays taken apart (StallBench.asysOnLoopRunDelay): how much
     *  of it the thread that ran the probe spent waiting for a CPU. */
    private String runDelays() {
        StringBuilder b = new StringBuilder();
        for (String hot : new String[] {"default", "on"}) {
            String t = tail(find("s4-stall", "asysOnLoopRunDelay", "hotSpare", hot));
            if (t == null) continue;
            b.append(b.length() == 0 ? "\nThe tail taken apart (`asysOnLoopRunDelay`: the same sample, with the run delay Linux counts for " +
                    "the thread that ran the probe, `/proc/thread-self/schedstat`, read outside the timestamps): " : "; ")
                    .append(hot.equals("on") ? "hot spare on: " : "this machine's defaults: ").append(t);
        }
        return b.length() == 0 ? "" : b.append(".\n").toString();
    }

    /**
     * A run-delay row's tail (its delays over {@link StallProbe.RunDelays#TAIL_NANOS}) taken apart:
     * how many, and how many of them had the thread that ran the probe runnable and waiting for a
     * CPU for at least half the delay; null when the row did not run.
     */
    private static String tail(RunResult r) {
        return tail(r, "samples", "delays over " + StallProbe.RunDelays.TAIL_NANOS / 1000 + " µs", "the woken thread", "delay");
    }

    /** A run-delay row's tail taken apart, its samples counted in {@code samples}, the tail named
     *  {@code over}, the thread that ran the probe {@code thread}, each sample a {@code sample}. */
    private static String tail(RunResult r, String samples, String over, String thread, String sample) {
        if (r == null) return null;
        Map<String, Result> aux = r.getSecondaryResults();
        double n = score(aux, samples), tail = score(aux, "tailSamples"), waiting = score(aux, "tailWaitingForCpu"),
                unknown = score(aux, "tailNotMeasured"), delay = score(aux, "tailDelayNanos"), run = score(aux, "tailRunDelayNanos");
        StringBuilder b = new StringBuilder().append(count(tail)).append(" of ").append(count(n)).append(' ').append(over);
        if (tail == 0) return b.toString();
        b.append(", ").append(count(waiting)).append(" of them with ").append(thread).append(" runnable and waiting for a CPU for at least half ")
                .append("the ").append(sample).append(", ").append(num(100 * run / delay)).append(" % of their time in all spent so");
        if (unknown > 0) b.append(" (").append(count(unknown)).append(" not measured)");
        return b.toString();
    }

    /** A loop-side row's time before the call's block ({@code StallProbe.beforeBlock}): its mean,
     *  and how many samples it alone put in the tail; null where the row did not take it. */
    private static String beforeBlock(RunResult r) {
        if (r == null) return null;
        Map<String, Result> aux = r.getSecondaryResults();
        double n = score(aux, "beforeBlockSamples");
        if (n == 0) return null;
        return "mean " + num(score(aux, "beforeBlockNanos") / n / 1000) + " µs, over " + StallProbe.RunDelays.TAIL_NANOS / 1000
                + " µs in " + count(score(aux, "beforeBlockInTail")) + " of " + count(n) + " samples";
    }

    /** The p99 of a loop-side row (to the bucket, in ns); NaN when it did not run. */
    private static double loopP99(RunResult r) {
        return r == null ? Double.NaN : percentile(r.getSecondaryResults(), "samples", DELAY_BUCKETS, 0.99);
    }

    private static String count(double v) { return String.format(Locale.ROOT, "%,.0f", v); }

    private static double score(Map<String, Result> aux, String name) {
        Result r = aux.get(name);
        return r == null ? 0 : r.getScore();
    }

    /** p99 of {@code method} with {@code block} in {@code run}, in µs; NaN when it did not run. */
    private double p99(String run, String method, String block) {
        RunResult r = find(run, method, "block", block);
        return r == null ? Double.NaN : r.getPrimaryResult().getStatistics().getPercentile(99);
    }

    private void rawStall() {
        md.append("#### 6. Loop stall while a call blocks 1 ms in a raw JDK call\n\n")
                .append("The call blocks in the plain JDK (not through `Blocking`): a park, a socket read from a loopback peer ")
                .append("that answers after 1 ms, or `Thread.sleep` (Java-level from JDK 21 on, so on JDK 25 only). ")
                .append("The delay of a ready task queued behind it, as in scenario 4: first as the loop sees it (a task on the loop ")
                .append("takes a timestamp, queues the probe and starts the call; the probe takes the second; the percentiles are to ")
                .append("the bucket).\n\n")
                .append("![6. Raw-block stall](").append(profile).append("-s6.png)\n\n")
                .append("| contender | raw block | p50 | p99 | p99.9 | mean µs | samples |\n|---|---|---|---|---|---|---|\n");
        DefaultCategoryDataset d = new DefaultCategoryDataset();
        String[][] who = {{"s6-raw-stall", "plainLoop", "a plain loop, the call inline"},
                {"s6-raw-stall", "asysWithoutAgent", "asys without the agent"},
                {"s6-raw-stall", "asysWithAgent", "asys with the agent"},
                {"s6-raw-stall", "vertx", "Vert.x 5 executeBlocking"},
                {"s6-raw-stall-jdk25", "asysWithAgent", "asys with the agent (JDK 25)"},
                {"s6-raw-stall-jdk25", "virtualThreadPerCall", "a virtual thread per call (JDK 25)"}};
        String[] blocks = {"park", "socket", "sleep"};
        for (String block : blocks) {
            for (String[] w : who) {
                RunResult r = find(w[0], w[1] + "OnLoop", "block", block);
                if (r == null) continue;
                Map<String, Result> aux = r.getSecondaryResults();
                double p50 = percentile(aux, "samples", DELAY_BUCKETS, 0.5), p99 = percentile(aux, "samples", DELAY_BUCKETS, 0.99),
                        p999 = percentile(aux, "samples", DELAY_BUCKETS, 0.999);
                md.append("| ").append(w[2]).append(" | ").append(block).append(" | ").append(upTo(p50, DELAY_BUCKETS)).append(" | ")
                        .append(upTo(p99, DELAY_BUCKETS)).append(" | ").append(upTo(p999, DELAY_BUCKETS)).append(" | ")
                        .append(num(score(aux, "delayNanos") / score(aux, "samples") / 1000)).append(" | ")
                        .append(count(score(aux, "samples"))).append(" |\n");
                // past the last bucket: plotted at its bound
                d.addValue((Double.isNaN(p99) ? 2_000_000 : p99) / 1000, w[2], block);
            }
        }
        StringBuilder tails = new StringBuilder();
        for (String block : blocks) {
            for (String run : new String[] {"s6-raw-stall", "s6-raw-stall-jdk25"}) {
                String t = tail(find(run, "asysWithAgentOnLoopRunDelay", "block", block));
                if (t != null) tails.append(tails.length() == 0 ? "" : "; ").append(block).append(run.endsWith("jdk25") ? " (JDK 25)" : "")
                        .append(": ").append(t);
            }
        }
        StringBuilder beforeBlock = new StringBuilder();
        for (String[] w : who) {
            String b = beforeBlock(find(w[0], w[1] + "OnLoop", "block", "socket"));
            if (b != null) beforeBlock.append(beforeBlock.length() == 0 ? "" : "; ").append(w[2]).append(": ").append(b);
        }
        if (beforeBlock.length() > 0) {
            md.append("\nThe socket call's time on the loop before its read could block (from the loop's first timestamp to its ")
                    .append("write to the peer returned; where the loop runs the call): ").append(beforeBlock).append(".\n");
        }
        if (tails.length() > 0) {
            md.append("\nasys's tail taken apart (`asysWithAgentOnLoopRunDelay`: the same sample, with the run delay Linux counts for ")
                    .append("the thread that ran the probe, as in scenario 4): ").append(tails).append(".\n");
        }
        md.append("\nAs the measuring thread sees it (JMH sample mode: two thread wake-ups included, the loop's and its own):\n\n")
                .append("| contender | raw block | p50 µs | p99 µs | p99.9 µs | samples |\n|---|---|---|---|---|---|\n");
        for (String block : blocks) {
            for (String[] w : who) {
                RunResult r = find(w[0], w[1], "block", block);
                if (r == null) continue;
                var st = r.getPrimaryResult().getStatistics();
                md.append("| ").append(w[2]).append(" | ").append(block).append(" | ").append(num(st.getPercentile(50)))
                        .append(" | ").append(num(st.getPercentile(99))).append(" | ").append(num(st.getPercentile(99.9)))
                        .append(" | ").append(st.getN()).append(" |\n");
            }
        }
        md.append('\n');
        barChart(d, "6. p99 delay of a ready task while a call blocks 1 ms in a raw JDK call (as the loop sees it)", "µs (log scale)", true,
                profile + "-s6.png");
        for (String[] g : new String[][] {{"s6-raw-stall", "socket", "raw socket read"}, {"s6-raw-stall", "park", "LockSupport.parkNanos"},
                {"s6-raw-stall-jdk25", "sleep", "Thread.sleep, JDK 25"}}) {
            RunResult r = find(g[0], "asysWithAgentOnLoop", "block", g[1]);
            if (r == null && g[0].endsWith("jdk25")) continue;   // no JDK 25 found
            double p = loopP99(r);
            double plainP = loopP99(find("s6-raw-stall", "plainLoopOnLoop", "block", g[1].equals("sleep") ? "park" : g[1]));
            // the floor: a loop that waits for no thread on the same block (Vert.x's; none runs on JDK 25), and asys's own tail
            double vertxP = loopP99(find("s6-raw-stall", "vertxOnLoop", "block", g[1]));
            String tail = tail(find(g[0], "asysWithAgentOnLoopRunDelay", "block", g[1]));
            String before = beforeBlock(r);
            String floor = String.join("; ", java.util.stream.Stream.of(
                    Double.isNaN(vertxP) ? null : "Vert.x's loop, which waits for no thread, on the same block: p99 "
                            + upTo(vertxP, DELAY_BUCKETS) + beyond(vertxP > 100_000),
                    before == null ? null : "the call on the loop before its read could block: " + before,
                    tail == null ? null : "asys's tail: " + tail).filter(java.util.Objects::nonNull).toList());
            goals.add(new Goal("6", "asys with the agent: p99 delay of a ready task, as the loop sees it, " + g[2],
                    upTo(p, DELAY_BUCKETS) + " (measuring thread " + num(p99(g[0], "asysWithAgent", g[1])) + " µs; plain loop"
                            + (g[1].equals("sleep") ? ", a park, " : " ") + upTo(plainP, DELAY_BUCKETS) + ")",
                    "≤ 100 µs", p <= 100_000, "p99 " + upTo(p, DELAY_BUCKETS), floor.isEmpty() ? null : floor));
        }
    }

    private void agentCost() {
        md.append("#### 7. What the agent costs where nothing blocks\n\n")
                .append("| operation | thread | agent off, ns | agent on, ns | on − off, ns |\n|---|---|---|---|---|\n");
        String[][] ops = {{"WovenCode", "the woven code alone (bridge enter and exit)"},
                {"UncontendedLock", "uncontended `ReentrantLock`"}, {"ParkWithPermit", "`park` with its permit there"},
                {"CachedFileChannelRead", "`FileChannel.read` of a cached file"}};
        double woven = Double.NaN;
        for (String thread : new String[] {"unrelatedThread", "runtimeThread"}) {
            for (String[] op : ops) {
                RunResult off = find("s7-agent-cost", thread + op[0], "agent", "off");
                RunResult on = find("s7-agent-cost", thread + op[0], "agent", "on");
                if (off == null && on == null) continue;
                double delta = score(on) - score(off);
                double err = Math.hypot(error(on), error(off));
                if (op[0].equals("WovenCode")) woven = delta;
                md.append("| ").append(op[1]).append(" | ").append(thread.equals("runtimeThread") ? "runtime thread, in a call" : "unrelated")
                        .append(" | ").append(pm(off)).append(" | ").append(pm(on)).append(" | ").append(num(delta))
                        .append(Double.isNaN(err) ? "" : " ± " + num(err)).append(" |\n");
                if (thread.equals("unrelatedThread") && op[0].equals("UncontendedLock")) {
                    goals.add(new Goal("7", "agent overhead on an unrelated thread: " + op[1], num(delta) + " ± " + num(err) + " ns",
                            "≤ 5 ns", delta <= 5, "by " + num(delta - 5) + " ns"));
                }
                if (thread.equals("unrelatedThread") && op[0].equals("ParkWithPermit")) {
                    // a park with its permit costs tens of ns and varies by more than the agent's share: the
                    // goal is judged on the woven code that the agent adds to it, measured alone above
                    goals.add(new Goal("7", "agent overhead on an unrelated thread: " + op[1]
                            + " (the woven code it adds, measured alone; end to end " + num(delta) + " ± " + num(err) + " ns)",
                            num(woven) + " ns", "≤ 5 ns", woven <= 5, "by " + num(woven - 5) + " ns"));
                }
            }
        }
        md.append('\n');
    }

    private void pool() {
        md.append("#### 8. The adaptive spare pool\n\n");
        RunResult burst = find("s8-pool", "burst", null, null);
        RunResult fixed = find("s8-pool", "burstFixedPool", null, null);
        RunResult idle = find("s8-pool", "idleAfterKeepAlive", null, null);
        if (burst == null || fixed == null || idle == null) {
            md.append("(not run)\n\n");
            return;
        }
        Map<String, Result> b = burst.getSecondaryResults(), f = fixed.getSecondaryResults(), i = idle.getSecondaryResults();
        double perThousand = perThousand(b), meanIdle = i.get("idleSpares").getScore() / i.get("samples").getScore();
        md.append("Bursts of ").append(PoolBench.BURST).append(" calls that each block ").append(PoolBench.BLOCK_MS)
                .append(" ms, on one loop, once warm (the runtime built once per trial, measured after the warm-up).\n\n")
                .append("| pool | time per burst, ms | threads started | calls that blocked | refused (EAGAIN) | threads started per 1,000 blocking calls |\n")
                .append("|---|---|---|---|---|---|\n");
        poolRow("adaptive (the defaults: floor 2, capacity = thread limit 256, keep-alive 60 s)", burst, b);
        poolRow("fixed at 2 spares (capacity = floor = 2)", fixed, f);
        md.append("\nIdle spares after a burst and ten keep-alives of ").append(PoolBench.KEEP_ALIVE_MS)
                .append(" ms (`spareKeepAlive` set so; floor 2), mean of ").append(num(i.get("samples").getScore()))
                .append(" bursts: ").append(num(meanIdle)).append(".\n\n");
        goals.add(new Goal("8", "threads started per 1,000 blocking calls, bursts of " + PoolBench.BURST + ", warm",
                num(perThousand), "≤ 10", perThousand <= 10, "by " + num(perThousand - 10)));
        goals.add(new Goal("8", "idle spares after the keep-alive", num(meanIdle), "≤ the floor, 2", meanIdle <= 2,
                "by " + num(meanIdle - 2)));
    }

    private static double perThousand(Map<String, Result> aux) {
        double fires = aux.get("hookFires").getScore();
        return fires == 0 ? Double.NaN : 1000 * aux.get("threadsStarted").getScore() / fires;
    }

    private void poolRow(String pool, RunResult r, Map<String, Result> aux) {
        md.append("| ").append(pool).append(" | ").append(pm(r)).append(" | ").append(num(aux.get("threadsStarted").getScore()))
                .append(" | ").append(num(aux.get("hookFires").getScore())).append(" | ").append(num(aux.get("eagain").getScore()))
                .append(" | ").append(num(perThousand(aux))).append(" |\n");
    }

    private void scale() {
        md.append("#### 5. Scale\n\n![5. Scale: identities](").append(profile).append("-s5-identities.png)\n")
                .append("![5. Scale: blocking share](").append(profile).append("-s5-share.png)\n\n");
        md.append("| identities (2 lanes) | asys calls/s | vs 1 identity |\n|---|---|---|\n");
        DefaultCategoryDataset ids = new DefaultCategoryDataset();
        RunResult one = find("s5-identities", "asys", "identities", "1");
        for (String n : new String[] {"1", "2", "4", "8", "16"}) {
            RunResult r = find("s5-identities", "asys", "identities", n);
            if (r == null) continue;
            md.append("| ").append(n).append(" | ").append(pm(r)).append(" | ").append(ratio(score(r) / score(one))).append(" |\n");
            ids.addValue(score(r), "asys", n);
        }
        md.append("\n| blocking share | asys calls/s | Vert.x calls/s | asys ÷ Vert.x |\n|---|---|---|---|\n");
        DefaultCategoryDataset share = new DefaultCategoryDataset();
        for (String s : new String[] {"0", "1", "10", "50"}) {
            String run = s.equals("0") ? "s1-fast-path" : s.equals("1") ? "s2-mixed" : "s5-share";
            RunResult a = find(run, "asys", "share", s), v = find(run, "vertx", "share", s);
            if (a == null && v == null) continue;
            md.append("| ").append(s).append(" % | ").append(pm(a)).append(" | ").append(pm(v)).append(" | ")
                    .append(ratio(score(a) / score(v))).append(" |\n");
            if (a != null) share.addValue(score(a), "asys", s + " %");
            if (v != null) share.addValue(score(v), "Vert.x executeBlocking", s + " %");
        }
        md.append('\n');
        lineChart(ids, "5. Calls per second by identities (2 cores)", "identities", profile + "-s5-identities.png");
        lineChart(share, "5. Calls per second by blocking share", "share of calls that block 1 ms", profile + "-s5-share.png");
    }

    // ---- plots -------------------------------------------------------------------------------

    private final List<Runnable> charts = new ArrayList<>();

    private static boolean hasPositive(DefaultCategoryDataset data) {
        for (int i = 0; i < data.getRowCount(); i++) {
            for (int j = 0; j < data.getColumnCount(); j++) {
                Number v = data.getValue(i, j);
                if (v != null && v.doubleValue() > 0) return true;
            }
        }
        return false;
    }

    private void barChart(DefaultCategoryDataset data, String title, String axis, boolean log, String png) {
        if (!hasPositive(data)) return;   // nothing ran (a failed or skipped run): no plot
        charts.add(() -> {
            JFreeChart c = ChartFactory.createBarChart(title, null, axis, data, PlotOrientation.HORIZONTAL,
                    data.getRowCount() > 1, false, false);
            CategoryPlot p = c.getCategoryPlot();
            BarRenderer r = (BarRenderer) p.getRenderer();
            if (log) {
                double lo = Double.MAX_VALUE, hi = 0;
                for (int i = 0; i < data.getRowCount(); i++) {
                    for (int j = 0; j < data.getColumnCount(); j++) {
                        Number v = data.getValue(i, j);
                        if (v != null && v.doubleValue() > 0) {
                            lo = Math.min(lo, v.doubleValue());
                            hi = Math.max(hi, v.doubleValue());
                        }
                    }
                }
                double base = Math.pow(10, Math.floor(Math.log10(lo)));
                LogAxis a = new LogAxis(axis);
                a.setRange(base, Math.pow(10, Math.ceil(Math.log10(hi * 1.01))));
                p.setRangeAxis(a);
                r.setBase(base);
            }
            r.setBarPainter(new StandardBarPainter());
            r.setShadowVisible(false);
            style(c);
            save(c, png);
        });
    }

    private void lineChart(DefaultCategoryDataset data, String title, String axis, String png) {
        charts.add(() -> {
            JFreeChart c = ChartFactory.createLineChart(title, axis, "calls per second (log scale)", data,
                    PlotOrientation.VERTICAL, true, false, false);
            c.getCategoryPlot().setRangeAxis(new LogAxis("calls per second (log scale)"));
            style(c);
            save(c, png);
        });
    }

    private static void style(JFreeChart c) {
        c.setBackgroundPaint(Color.WHITE);
        c.getPlot().setBackgroundPaint(Color.WHITE);
        if (c.getPlot() instanceof CategoryPlot p) {
            p.setRangeGridlinePaint(Color.LIGHT_GRAY);
        }
    }

    private void save(JFreeChart c, String png) {
        try {
            ChartUtils.saveChartAsPNG(out.resolve(png).toFile(), c, 900, 420);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write plot " + png, e);
        }
    }

    /** Renders the plots (headless). */
    void plots() {
        System.setProperty("java.awt.headless", "true");
        charts.forEach(Runnable::run);
    }
}
