package asys.conformance;

import asys.runtime.AsysRuntime;
import asys.runtime.Blocking;
import asys.runtime.CallFlags;
import asys.runtime.CallHandle;
import asys.runtime.CompletionHandler;
import asys.runtime.Identity;
import asys.runtime.Outcome;
import asys.runtime.TraceSink;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a {@link Workload} on a fresh runtime with tracing on, releasing blocked calls and
 * completing state machines in the workload's order, and checks the spec's promises directly on
 * what it observes. The trace it returns is what TLC validates.
 */
public final class WorkloadRunner {

    /** How long a release waits for its call to reach its blocking point (a stall if longer). */
    static final long REACH_TIMEOUT_MS = Long.getLong("asys.runner.reachMs", 5_000);
    /** How long the runner waits for every call's outcome before it calls the run a failure. */
    static final long OUTCOME_TIMEOUT_MS = Long.getLong("asys.runner.outcomeMs", 10_000);

    /**
     * How a call's blocks block. {@link #BLOCKING}: through the runtime's own primitive
     * ({@link Blocking#acquire}), which fires the hook itself. {@link #RAW}: through the plain JDK
     * ({@link Semaphore#acquire()}, which parks), on a runtime with the automatic hook, so that
     * only the agent can see the block; a NONBLOCK call first meets a JDK entry point that may
     * refuse ({@code Thread.sleep(0, 1)}), since a park inside a lock cannot unwind.
     */
    public enum Mode { BLOCKING, RAW }

    /** What one run produced. */
    public record Run(Workload workload, List<String> trace, List<String> violations) {}

    private static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();

    private WorkloadRunner() {}

    /** How many workloads this JVM has run (tests use it to show the tries really ran). */
    public static long runs() { return RUNS.get(); }

    public static Run run(Workload w) {
        return run(w, Mode.BLOCKING);
    }

    public static Run run(Workload w, Mode mode) {
        return run(w, mode, null);
    }

    /**
     * As {@link #run(Workload, Mode)}; {@code errors}, when not null, is an error-injection run:
     * armed once the layout is traced and disarmed after close, it makes the runtime's own steps
     * fail, so the run checks the ledger alone (every call exactly one outcome, no thread or
     * identity left), not the results or the spec's properties of the calls that failed.
     */
    public static Run run(Workload w, Mode mode, ErrorInjector.Run errors) {
        RUNS.incrementAndGet();
        List<Workload.CallSpec> specs = w.calls();
        int n = specs.size();
        List<String> trace = Collections.synchronizedList(new ArrayList<>());
        List<String> violations = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger uncaught = new AtomicInteger();
        FlakyFactory factory = new FlakyFactory(flaky(w));
        AsysRuntime rt = AsysRuntime.builder().lanes(w.lanes()).spareCapacity(w.spareCapacity()).spareFloor(w.spareFloor())
                .spareKeepAlive(java.time.Duration.ofMillis(Workload.KEEP_ALIVE_MS))
                .spareWait(java.time.Duration.ofMillis(w.spareWaitMs()))
                .threadLimit(w.threadLimit()).inFlightLimit(w.inFlightLimit()).traceSink(TraceSink.to(trace))
                .automaticHook(mode == Mode.RAW).threadFactory(factory)
                .hotSpare(hot(w) ? Duration.ofMillis(1) : Duration.ZERO)
                .uncaughtErrorHandler((what, t) -> {
                    uncaught.incrementAndGet();
                    if (t instanceof FlakyFactory.Failure) return;   // expected: the call gets EAGAIN (NO_SPARE)
                    if (errors == null) violations.add("uncaught: " + what + ": " + t);
                    else errors.reported(what);
                }).build();
        Semaphore[] gates = new Semaphore[n];
        AtomicIntegerArray passed = new AtomicIntegerArray(n);        // blocks passed per call
        @SuppressWarnings("unchecked")
        CompletableFuture<Object>[] machines = new CompletableFuture[n];
        AtomicReferenceArray<CallHandle<Object>> handles = new AtomicReferenceArray<>(n);
        AtomicIntegerArray handled = new AtomicIntegerArray(n);
        // Per call: 1 once its submission returned (the call accepted), which the close waits for;
        // a handle is set earlier for the execute form (the releases wait on it), so it cannot say so.
        AtomicIntegerArray submitted = new AtomicIntegerArray(n);
        CountDownLatch allHandled = new CountDownLatch(n);
        Map<Integer, List<Integer>> queued = new HashMap<>();   // per identity id: its calls in the order queued
        for (int i = 0; i < n; i++) {
            gates[i] = new Semaphore(0);
            machines[i] = new CompletableFuture<>();
        }
        try {
            List<Identity> ids = new ArrayList<>();
            for (int u = 0; u < w.identities().size(); u++) ids.add(rt.newIdentity("u" + (u + 1)));
            for (Identity id : ids) queued.put(id.id(), Collections.synchronizedList(new ArrayList<>()));
            rt.traceLayout();
            factory.arm();
            if (errors != null) errors.arm(trace);
            List<Workload.TaskRef> tasks = w.tasks();
            List<Runnable> taskBodies = new ArrayList<>();
            for (Workload.TaskRef ref : tasks) {
                Identity id = ids.get(ref.identity());
                taskBodies.add(() -> {
                    for (int k = 0; k < ref.calls().size(); k++) {
                        int x = ref.firstCall() + k;
                        Workload.CallSpec s = ref.calls().get(k);
                        CompletionHandler<Object> h = r -> {
                            handled.incrementAndGet(x);
                            allHandled.countDown();
                        };
                        queued.get(id.id()).add(x);
                        CallHandle<Object> handle;
                        if (executeForm(x, s)) {
                            Observed seen = new Observed();
                            handles.set(x, seen);          // before it can run: the releases wait on it
                            id.execute(s.flags(), () -> body(s, x, gates[x], passed, mode), (o, v, e) -> {
                                seen.observe(o, v, e);
                                h.onResult(seen);
                            });
                            submitted.set(x, 1);
                            continue;
                        }
                        handle = switch (s.kind()) {
                            case MACHINE -> id.submitStage(s.flags(), () -> machines[x], h);
                            case MACHINE_DONE -> id.submitStage(s.flags(), () -> CompletableFuture.completedFuture((Object) x), h);
                            default -> id.submit(s.flags(), () -> body(s, x, gates[x], passed, mode), h);
                        };
                        handles.set(x, handle);
                        submitted.set(x, 1);
                    }
                });
            }
            for (int t = 0; t < tasks.size(); t++) {
                if (tasks.get(t).first()) ids.get(tasks.get(t).identity()).execute(taskBodies.get(t));
            }
            // Release in the workload's order: each release waits until its call is there.
            int[] nextBlock = new int[n];
            for (int x : w.releaseOrder()) {
                if (x == Workload.CLOSE) {                     // close every identity, calls in flight
                    waitFor(() -> {
                        for (int c = 0; c < n; c++) if (submitted.get(c) == 0) return false;
                        return true;
                    }, -1, violations, "the close (every call submitted)");
                    for (Identity id : ids) id.close();
                    continue;
                }
                if (x < 0) {                                   // a later task arrives
                    int t = -x - 1;
                    ids.get(tasks.get(t).identity()).execute(taskBodies.get(t));
                    continue;
                }
                Workload.CallSpec s = specs.get(x);
                if (s.kind() == Workload.Kind.MACHINE) {
                    waitFor(() -> handles.get(x) != null && handles.get(x).outcome() != Outcome.PENDING, x, violations, "its state machine");
                    machines[x].complete(x);
                } else {
                    int k = nextBlock[x]++;
                    waitFor(() -> gates[x].hasQueuedThreads() || passed.get(x) > k || finished(handles.get(x)),
                            x, violations, "block " + (k + 1));
                    gates[x].release();
                }
            }
            if (!allHandled.await(OUTCOME_TIMEOUT_MS, TimeUnit.MILLISECONDS)) violations.add("ExactlyOneOutcome: only "
                    + (n - allHandled.getCount()) + " of " + n + " calls had their outcome within " + OUTCOME_TIMEOUT_MS + " ms");
            // Pools that adapt: a few keep-alives of idle time, so that the spares above a floor
            // exit on their own (KeepAliveExit) before the close drains them (PoolExit).
            if (w.spareFloor() < w.spareCapacity()) Thread.sleep(5L * Workload.KEEP_ALIVE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            violations.add("interrupted");
        } finally {
            for (Semaphore g : gates) g.release(100);            // nothing may stay blocked
            for (CompletableFuture<Object> m : machines) m.complete(-1);
            if (!rt.close(Duration.ofMillis(OUTCOME_TIMEOUT_MS))) violations.add("close did not finish in " + OUTCOME_TIMEOUT_MS + " ms");
            if (errors != null) errors.disarm();
        }
        if (errors != null) {
            errors.ledger(handled, rt.counters().threadsAlive(), rt.counters().identitiesOpen(), rt.ownerViolations(), violations);
            return new Run(w, List.copyOf(trace), List.copyOf(violations));
        }
        check(w, specs, handles, handled, trace, queued, rt, violations);
        return new Run(w, List.copyOf(trace), List.copyOf(violations));
    }

    private static Object body(Workload.CallSpec s, int x, Semaphore gate, AtomicIntegerArray passed, Mode mode) throws Exception {
        switch (s.kind()) {
            case QUICK:
                return x;
            case THROW:
                throw new IllegalStateException("call " + x + " throws");
            default:
                for (int b = 0; b < s.blocks(); b++) {
                    if (mode == Mode.BLOCKING) {
                        Blocking.acquire(gate);
                    } else {
                        if ((s.flags() & CallFlags.NONBLOCK) != 0) Thread.sleep(0, 1);
                        gate.acquire();
                    }
                    passed.incrementAndGet(x);
                }
                if (s.kind() == Workload.Kind.BLOCK_THEN_THROW) throw new IllegalStateException("call " + x + " throws");
                return x;
        }
    }

    /** Every other call with code of its own is submitted in the execute form (no handle, the
     *  loop's reused record), the rest with a handle. */
    static boolean executeForm(int x, Workload.CallSpec s) {
        return x % 2 == 0 && s.kind() != Workload.Kind.MACHINE && s.kind() != Workload.Kind.MACHINE_DONE;
    }

    /**
     * What the runner knows of an execute-form call, which has no handle: what its handler was
     * given, and the id its Submit event has in the trace (matched after the run, see
     * {@link #check}). A handle of the runner's own, so that the checks read both forms alike.
     */
    static final class Observed implements CallHandle<Object> {
        private volatile Outcome outcome = Outcome.PENDING;
        private volatile Object value;
        private volatile Throwable error;
        private volatile boolean done;
        volatile long id = -1;

        void observe(Outcome o, Object v, Throwable e) {
            value = v;
            error = e;
            outcome = o;
            done = true;
        }

        @Override public long id() { return id; }
        @Override public Outcome outcome() { return outcome; }
        @Override public asys.runtime.EagainReason eagainReason() {
            return outcome == Outcome.EAGAIN && error instanceof asys.runtime.CallRejectedException r ? r.reason() : null;
        }
        @Override public boolean isDone() { return done; }
        @Override public Object value() { return value; }
        /** For EAGAIN, the error the call's rejection carries as its cause (as a handle has it). */
        @Override public Throwable error() {
            Throwable e = error;
            return outcome == Outcome.EAGAIN && e != null ? e.getCause() : e;
        }
        Throwable rejection() { return outcome == Outcome.EAGAIN ? error : null; }
        @Override public CompletableFuture<Object> future() {
            throw new UnsupportedOperationException("an execute-form call has no future");
        }
        @Override public String toString() { return "execute-form call " + id + " " + outcome; }
    }

    private static boolean finished(CallHandle<?> h) {
        return h != null && (h.isDone() || h.outcome() == Outcome.EAGAIN);
    }

    private static void waitFor(java.util.function.BooleanSupplier there, int x, List<String> violations, String what)
            throws InterruptedException {
        // Once something has gone wrong, waits are short: the run is a failure already.
        long wait = violations.isEmpty() ? REACH_TIMEOUT_MS : Math.min(REACH_TIMEOUT_MS, 100);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        while (!there.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                violations.add("NeverStalls: call #" + x + " did not reach " + what + " in " + wait + " ms");
                return;
            }
            Thread.onSpinWait();
            Thread.sleep(0, 50_000);
        }
    }

    /** Half the workloads run with the hot spare on (its spares woken to spin, SPIN), whatever
     *  the machine's default, so that its wake-ups are checked as the parks are. */
    static boolean hot(Workload w) { return Math.floorMod(w.hashCode() >> 2, 2) == 0; }

    /** A quarter of the workloads run with a thread factory that fails every other thread after
     *  the build: the allocator's AllocateFails, with threads left in the supply. */
    static boolean flaky(Workload w) { return Math.floorMod(w.hashCode(), 4) == 0; }

    /** The runtime's threads, made as the default factory makes them; once armed, when flaky, every
     *  other one is refused by throwing {@link Failure}. */
    static final class FlakyFactory implements java.util.concurrent.ThreadFactory {
        static final class Failure extends RuntimeException {
            Failure() { super("the workload's flaky thread factory refuses this thread"); }
        }

        private final boolean flaky;
        private final AtomicInteger made = new AtomicInteger();
        private volatile boolean armed;

        FlakyFactory(boolean flaky) { this.flaky = flaky; }

        void arm() { armed = true; }

        @Override
        public Thread newThread(Runnable r) {
            if (flaky && armed && made.incrementAndGet() % 2 == 1) throw new Failure();
            Thread t = new Thread(r, "asys-workload-" + made.get());
            t.setDaemon(true);
            return t;
        }
    }

    private static final Pattern CALL = Pattern.compile("\"call\":(\\d+)");
    private static final Pattern ACTION = Pattern.compile("\"action\":\"(\\w+)\"");
    private static final Pattern IDENTITY = Pattern.compile("\"identity\":(\\d+)");

    /** The spec's promises, checked on what the run observed. */
    private static void check(Workload w, List<Workload.CallSpec> specs, AtomicReferenceArray<CallHandle<Object>> handles,
                              AtomicIntegerArray handled, List<String> trace, Map<Integer, List<Integer>> queued,
                              AsysRuntime rt, List<String> violations) {
        Map<Long, List<String>> byCall = new HashMap<>();
        Map<Integer, List<Long>> submitted = new HashMap<>();   // per identity: the calls of its Submit events, in order
        synchronized (trace) {
            for (String line : trace) {
                Matcher c = CALL.matcher(line), a = ACTION.matcher(line);
                if (c.find() && a.find()) {
                    long call = Long.parseLong(c.group(1));
                    byCall.computeIfAbsent(call, k -> new ArrayList<>()).add(a.group(1));
                    Matcher u = IDENTITY.matcher(line);
                    if (a.group(1).equals("Submit") && u.find()) {
                        submitted.computeIfAbsent(Integer.parseInt(u.group(1)), k -> new ArrayList<>()).add(call);
                    }
                }
            }
        }
        // A loop runs its calls in the order they were queued (FIFO), so an identity's k-th Submit
        // event is the k-th call the runner queued on it: that gives each execute-form call its
        // id, and each handle's id must agree.
        queued.forEach((u, xs) -> {
            List<Long> calls = submitted.getOrDefault(u, List.of());
            if (calls.size() != xs.size()) {
                violations.add("Submit: identity " + u + " has " + calls.size() + " Submit events for " + xs.size() + " calls queued");
                return;
            }
            for (int k = 0; k < xs.size(); k++) {
                CallHandle<Object> h = handles.get(xs.get(k));
                if (h instanceof Observed o) o.id = calls.get(k);
                else if (h != null && h.id() != calls.get(k)) {
                    violations.add("Submit: call #" + xs.get(k) + " (id " + h.id() + ") is Submit event " + k + " of identity " + u
                            + ", which names call " + calls.get(k) + ": the loop ran its calls out of order");
                }
            }
        });
        for (int x = 0; x < specs.size(); x++) {
            Workload.CallSpec s = specs.get(x);
            CallHandle<Object> h = handles.get(x);
            if (h == null) {
                violations.add("ExactlyOneOutcome: call #" + x + " was never submitted");
                continue;
            }
            if (handled.get(x) != 1) violations.add("ExactlyOneOutcome: call #" + x + " had " + handled.get(x) + " outcomes");
            List<String> events = byCall.getOrDefault(h.id(), List.of());
            Outcome o = h.outcome();
            if ((s.flags() & CallFlags.NONBLOCK) != 0 && o == Outcome.IN_PROGRESS) {
                violations.add("NonblockNeverSleeps: NONBLOCK call #" + x + " went IN_PROGRESS");
            }
            if ((s.flags() & CallFlags.ATOMIC) != 0 && events.contains("Allocate")) {
                violations.add("AtomicNeverWaits: ATOMIC call #" + x + " went to the allocator");
            }
            boolean posted = events.contains("WorkerFinish") || events.contains("MachineComplete");
            if ((o == Outcome.QUICK || o == Outcome.EAGAIN) && (posted || events.contains("Reap"))) {
                violations.add("CompletionOnce: " + o + " call #" + x + " was posted: " + events);
            }
            if (o == Outcome.IN_PROGRESS && (!posted || !events.contains("Reap"))) {
                violations.add("NoLostCompletion: IN_PROGRESS call #" + x + " was not posted and reaped: " + events);
            }
            if (events.stream().filter(e -> e.equals("Reap")).count() > 1) {
                violations.add("CompletionOnce: call #" + x + " was reaped twice");
            }
            if (h instanceof Observed seen) rejectionAgrees(x, seen, violations);
            else futureAgrees(x, h, violations);
            if (h.isDone() && o != Outcome.EAGAIN) {
                boolean throwsKind = s.kind() == Workload.Kind.THROW || s.kind() == Workload.Kind.BLOCK_THEN_THROW;
                if (throwsKind != (h.error() != null)) violations.add("Result: call #" + x + " error " + h.error());
                if (!throwsKind && !Integer.valueOf(x).equals(h.value())) violations.add("Result: call #" + x + " value " + h.value());
            }
        }
        if (rt.ownerViolations() != 0) violations.add("IdentityUnique: " + rt.ownerViolations() + " owner check failures");
        if (rt.counters().threadsAlive() != 0) violations.add("NoThreadLeft: " + rt.counters().threadsAlive() + " threads alive after close");
    }

    /** An execute-form call's EAGAIN is a CallRejectedException naming its id. */
    private static void rejectionAgrees(int x, Observed o, List<String> violations) {
        if (o.outcome() == Outcome.EAGAIN && !(o.rejection() instanceof asys.runtime.CallRejectedException r && r.callId() == o.id())) {
            violations.add("Outcome: EAGAIN execute-form call #" + x + " (id " + o.id() + ") was given " + o.rejection());
        }
    }

    /** A delivered call's future says what its handle says: the value, the call's own error, or
     *  EAGAIN as a CallRejectedException with the handle's reason and id. */
    private static void futureAgrees(int x, CallHandle<Object> h, List<String> violations) {
        CompletableFuture<Object> f = h.future();
        Object value;
        Throwable error = null;
        try {
            value = f.get(OUTCOME_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            value = null;
            error = e.getCause();
        } catch (Exception e) {
            violations.add("Future: call #" + x + "'s future did not complete: " + e);
            return;
        }
        if (h.outcome() == Outcome.EAGAIN) {
            if (!(error instanceof asys.runtime.CallRejectedException r) || r.reason() != h.eagainReason() || r.callId() != h.id()) {
                violations.add("Future: EAGAIN call #" + x + " (" + h.eagainReason() + ") has future " + (error != null ? error : value));
            }
        } else if (error != h.error() || (error == null && !java.util.Objects.equals(value, h.value()))) {
            violations.add("Future: call #" + x + " " + h + " has future " + (error != null ? error : value));
        }
    }
}
