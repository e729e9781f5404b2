package asys.runtime;

import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * The stall watchdog: reports a task, a handler or a call run inline that holds its loop longer
 * than the threshold, which is what no hook can hand over (a block the agent cannot see: a
 * contended {@code synchronized}, a native driver; or plain work that takes too long). Each loop
 * counts its steps ({@link Identity#steps()}, a plain store per step); the watchdog samples every
 * identity at half the threshold, and a loop whose carrier is busy (USER or IN_CALL, not asleep
 * in await, and past its first step) with the same step and the same carrier for the threshold or
 * longer is stalled. Each
 * stall is reported once, with the carrier's stack as it was when seen: to the runtime's stall
 * listener (by default a WARNING through {@link System.Logger} "asys"), as a JFR event
 * {@code asys.Stall}, and in {@link Counters#stalls()}.
 *
 * <p>One daemon thread per runtime that has a threshold, started at build and ended at close; it
 * takes no lock of the runtime's and never touches a loop's state beyond reading it.
 */
final class StallWatchdog implements Runnable {

    /** What the watchdog saw of one identity at its last sample. */
    private static final class Seen {
        long steps = -1;
        KThread carrier;
        long since;
        long reported = -1;
        /** The sample that last saw this identity alive. */
        long sample;
    }

    private final AsysRuntime runtime;
    private final long thresholdNanos;
    private final long periodNanos;
    private final Consumer<Stall> listener;
    private final Map<Identity, Seen> seen = new IdentityHashMap<>();
    private long samples;
    private final Thread thread;
    private volatile boolean stopped;

    StallWatchdog(AsysRuntime runtime, Duration threshold, Consumer<Stall> listener) {
        this.runtime = runtime;
        this.thresholdNanos = threshold.toNanos();
        this.periodNanos = Math.max(TimeUnit.MICROSECONDS.toNanos(100), thresholdNanos / 2);
        this.listener = listener;
        this.thread = new Thread(this, "asys-stall-watchdog");
        thread.setDaemon(true);
    }

    void start() { thread.start(); }

    /** Ends the watchdog and waits for it (at close). */
    void stop() {
        stopped = true;
        LockSupport.unpark(thread);
        if (Thread.currentThread() == thread) return;
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            LockSupport.parkNanos(this, periodNanos);
            sample(System.nanoTime());
        }
    }

    private void sample(long now) {
        long n = ++samples;
        for (Identity u : runtime.liveIdentities()) {
            Seen s = seen.computeIfAbsent(u, k -> new Seen());
            s.sample = n;
            long steps = u.steps();
            KThread k = u.carrier();
            KThread.State st = k == null ? null : k.state();
            // busy: in a step (USER or IN_CALL); a loop that has begun no step yet is still starting
            boolean busy = steps > 0 && (st == KThread.State.USER || st == KThread.State.IN_CALL);
            if (!busy || steps != s.steps || k != s.carrier) {
                s.steps = steps;
                s.carrier = k;
                s.since = now;
                continue;
            }
            long held = now - s.since;
            if (held >= thresholdNanos && s.reported != steps) {
                s.reported = steps;
                report(new Stall(u.name(), st == KThread.State.IN_CALL ? "call" : u.stepKind(), held,
                        Duration.ofNanos(thresholdNanos), k.thread.getStackTrace()));
            }
        }
        seen.values().removeIf(s -> s.sample != n);   // identities whose loop has ended
    }

    private void report(Stall stall) {
        runtime.counters.stalls.increment();
        StallEvent e = new StallEvent();
        e.identity = stall.identity();
        e.what = stall.what();
        e.heldNanos = stall.heldNanos();
        e.commit();
        try {
            listener.accept(stall);
        } catch (Throwable t) {
            runtime.reporter.uncaught("the stall listener threw", t);
        }
    }

    /** The default listener: one WARNING through System.Logger "asys", with the stack. */
    static void log(Stall stall) {
        StringBuilder sb = new StringBuilder("identity ").append(stall.identity()).append(": a ").append(stall.what())
                .append(" has held its loop for at least ").append(TimeUnit.NANOSECONDS.toMicros(stall.heldNanos()))
                .append(" us (stall threshold ").append(stall.threshold().toNanos() / 1000).append(" us); the carrier's stack:");
        for (StackTraceElement f : stall.stack()) sb.append("\n\tat ").append(f);
        System.getLogger("asys").log(System.Logger.Level.WARNING, sb.toString());
    }

    /** The JFR event of a stall. */
    @jdk.jfr.Name("asys.Stall")
    @jdk.jfr.Label("Loop stall")
    @jdk.jfr.Category("asys")
    @jdk.jfr.Description("A task, handler or inline call held its loop past the stall threshold")
    static final class StallEvent extends jdk.jfr.Event {
        @jdk.jfr.Label("Identity") String identity;
        @jdk.jfr.Label("What held the loop") String what;
        @jdk.jfr.Label("Held") @jdk.jfr.Timespan long heldNanos;
    }
}
