package asys.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A runtime with its trace recorded and its uncaught errors kept, for tests. */
final class Harness implements AutoCloseable {

    final List<String> trace = Collections.synchronizedList(new ArrayList<>());
    final ConcurrentLinkedQueue<Throwable> uncaught = new ConcurrentLinkedQueue<>();
    final AsysRuntime rt;

    Harness(Consumer<RuntimeBuilder> config) {
        RuntimeBuilder b = AsysRuntime.builder().traceSink(TraceSink.to(trace))
                .uncaughtErrorHandler((what, t) -> uncaught.add(new AssertionError(what, t)));
        config.accept(b);
        rt = b.build();
    }

    Harness() { this(b -> b.lanes(1).spareCapacity(2)); }

    /** Runs {@code task} on {@code u} and waits for it to have run. */
    static void onLoop(Identity u, Runnable task) {
        CompletableFuture<Void> ran = new CompletableFuture<>();
        u.execute(() -> {
            try {
                task.run();
                ran.complete(null);
            } catch (Throwable t) {
                ran.completeExceptionally(t);
            }
        });
        ran.orTimeout(10, TimeUnit.SECONDS).join();
    }

    /** Submits, from a task on {@code u}, a call that passes {@code gate} and returns {@code value}. */
    static CallHandle<Object> submitThrough(Identity u, Gate gate, Object value, CompletionHandler<Object> handler) {
        List<CallHandle<Object>> made = new ArrayList<>();
        onLoop(u, () -> made.add(u.submit(() -> {
            gate.pass();
            return value;
        }, handler)));
        return made.get(0);
    }

    /**
     * Empties the pool of {@code u}'s lane when it holds one spare: a call that blocks on a new
     * gate takes that spare (Submit) and hands it {@code u} (HookFire). The pool stays empty, and
     * the call's thread a worker, until the test opens the gate it returns.
     */
    static Gate emptyThePool(Identity u) throws InterruptedException {
        Gate gate = new Gate();
        submitThrough(u, gate, "held the pool's spare", r -> { });
        gate.awaitBlocked(1);
        return gate;
    }

    /** Waits until {@code h} is delivered: its handler has run. */
    static <T> CallHandle<T> done(CallHandle<T> h) {
        h.future().handle((v, e) -> h).orTimeout(10, TimeUnit.SECONDS).join();
        return h;
    }

    /** The trace's actions, in order. */
    List<String> actions() {
        List<String> out = new ArrayList<>();
        synchronized (trace) {
            for (String line : trace) out.add(field(line, "action"));
        }
        return out;
    }

    /** The trace's events of {@code action}, in order. */
    List<String> events(String action) {
        List<String> out = new ArrayList<>();
        synchronized (trace) {
            for (String line : trace) if (action.equals(field(line, "action"))) out.add(line);
        }
        return out;
    }

    /** The actions of the trace events that name call {@code id}. */
    List<String> actionsOf(long id) {
        List<String> out = new ArrayList<>();
        synchronized (trace) {
            for (String line : trace) if (String.valueOf(id).equals(field(line, "call"))) out.add(field(line, "action"));
        }
        return out;
    }

    /**
     * Checks a blocking call's steps: the blocked thread's own steps in order ({@code workerSteps},
     * from Submit to Reap), and the spare's ReturnToUser once, after HookFire and before Reap. The
     * spare and the worker run at once after HookFire, so their steps interleave either way.
     */
    void assertBlockingSteps(long call, List<String> workerSteps) {
        List<String> all = actionsOf(call);
        List<String> own = new ArrayList<>(all);
        own.remove("ReturnToUser");
        org.junit.jupiter.api.Assertions.assertEquals(workerSteps, own, "steps of call " + call + ": " + all);
        int back = all.indexOf("ReturnToUser");
        assertTrue(back > all.indexOf("HookFire") && back < all.indexOf("Reap") && back == all.lastIndexOf("ReturnToUser"),
                "ReturnToUser once, between HookFire and Reap: " + all);
    }

    static String field(String line, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":(\"([^\"]*)\"|(-?\\d+))").matcher(line);
        if (!m.find()) return null;
        return m.group(2) != null ? m.group(2) : m.group(3);
    }

    @Override
    public void close() {
        assertTrue(rt.close(Duration.ofSeconds(20)), "runtime did not close in time");
        assertEquals(0, rt.ownerViolations(), "an identity ran on two threads at once");
        assertEquals(0, rt.counters().threadsAlive(), "threads left behind");
        assertTrue(uncaught.isEmpty(), () -> "uncaught errors: " + uncaught);
    }

    /** A call that blocks until the test opens it: the deterministic blocking point. */
    static final class Gate {
        private final Semaphore permits = new Semaphore(0);

        /** Blocks (through the runtime's primitive) until {@link #open} gives a permit. */
        void pass() throws InterruptedException { Blocking.acquire(permits); }

        void open() { permits.release(); }

        void open(int n) { permits.release(n); }

        /** Waits at most {@code ms} for {@code n} threads to be blocked here; true if they are. */
        boolean blockedWithin(int n, long ms) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
            while (permits.getQueueLength() < n) {
                if (System.nanoTime() > deadline) return false;
                Thread.sleep(1);
            }
            return true;
        }

        /** Waits until {@code n} threads are blocked here. */
        void awaitBlocked(int n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (permits.getQueueLength() < n) {
                if (System.nanoTime() > deadline) throw new AssertionError("expected " + n + " blocked, have " + permits.getQueueLength());
                Thread.sleep(1);
            }
        }
    }
}
