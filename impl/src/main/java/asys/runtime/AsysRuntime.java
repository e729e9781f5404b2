package asys.runtime;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The asys runtime: lanes of parked spare threads (the spec's CPUs and pools) and the
 * identities (event loops) that run calls inline on them. Build one with {@link #builder()};
 * spares are started and parked at build time. {@link #close()} stops new work, lets every call
 * in flight deliver its one outcome, and ends every thread the runtime started.
 *
 * <pre>{@code
 * try (AsysRuntime rt = AsysRuntime.builder().lanes(2).spareCapacity(2).build()) {
 *     Identity loop = rt.newIdentity("main");
 *     CompletableFuture<Outcome> slept = new CompletableFuture<>();
 *     loop.execute(() -> loop.submit(() -> { Blocking.sleep(Duration.ofMillis(5)); return "done"; },
 *             r -> slept.complete(r.outcome())));
 *     System.out.println("slept: " + slept.join());   // IN_PROGRESS: the call blocked, the loop went on
 * }
 * }</pre>
 *
 * <p>See the package overview for how the runtime works inside.
 */
public final class AsysRuntime implements AutoCloseable {

    final int inFlightLimit;
    /** Null when tracing is off: every step checks it, so tracing off costs one branch. */
    final Tracer tracer;
    final Reporter reporter;
    final ThreadSupply threads;
    private final Lane[] lanes;
    final Counters.Live counters = new Counters.Live();
    /** The agent fires this runtime's hooks at the JDK's blocking entry points. */
    final boolean automaticHook;
    /** ... at file I/O entry points too (a page-cache read rarely blocks, and a handoff costs). */
    final boolean automaticHookOnFileIo;
    /** ... at socket writes too (a write blocks only when the peer does not read). */
    final boolean automaticHookOnSocketWrites;
    /** Automatic hook fires by site index (see {@link AutomaticHook#sites()}); null without the agent. */
    private final AtomicLongArray automaticFires;
    /** Reports loops held past the stall threshold; null when the threshold is zero. */
    private final StallWatchdog watchdog;
    /** How long an idle thread spins for work before it parks. */
    final long spinNanos;
    /** How long after its lane's last handoff a reserved or kept spare spins (the hot spare); 0: never. */
    final long hotSpareNanos;
    /** How long a pooled spare stays idle before it exits (when its pool is above its floor);
     *  0 when no pool can go above its floor (floor = capacity): no spare then waits with a timeout. */
    final long keepAliveNanos;
    /** How long Allocate waits for a spare when the supply is exhausted; 0: EAGAIN at once. */
    final long spareWaitNanos;
    private final AtomicLong callIds = new AtomicLong();
    private final AtomicInteger identityIds = new AtomicInteger();
    private final AtomicInteger nextLane = new AtomicInteger();
    private final List<Identity> identities = new CopyOnWriteArrayList<>();
    private final AtomicInteger ownerViolations = new AtomicInteger();
    /** Closes this runtime at JVM exit, if it is not closed by then; null when turned off. */
    private final Thread exitHook;
    private final Duration exitWait;

    AsysRuntime(RuntimeBuilder b) {
        this.spinNanos = b.spinNanos;
        this.hotSpareNanos = b.hotSpareNanos;
        this.keepAliveNanos = b.spareFloor() < b.spareCapacity() ? b.spareKeepAlive.toNanos() : 0;
        this.spareWaitNanos = b.spareWait.toNanos();
        this.automaticHook = b.automaticHook;
        this.automaticHookOnFileIo = b.automaticHookOnFileIo;
        this.automaticHookOnSocketWrites = b.automaticHookOnSocketWrites;
        this.automaticFires = b.automaticHook ? new AtomicLongArray(AutomaticHook.sites().length) : null;
        this.inFlightLimit = b.inFlightLimit;
        this.tracer = b.traceSink == null ? null : new Tracer(b.traceSink);
        this.reporter = new Reporter(b.uncaught);
        this.threads = new ThreadSupply(this, b.threadFactory, b.threadLimit, b.threadStartTimeout.toNanos(), tracer,
                reporter, counters.sparesAllocated, counters.keepAliveExits);
        this.lanes = new Lane[b.lanes];
        // A pool never holds more than the thread limit: a larger capacity is that limit.
        int capacity = Math.min(b.spareCapacity(), b.threadLimit);
        for (int i = 0; i < lanes.length; i++) lanes[i] = new Lane(i, capacity, b.spareFloor());
        this.watchdog = b.stallThreshold.isZero() ? null : new StallWatchdog(this, b.stallThreshold, b.onStall);
        for (Lane lane : lanes) {
            for (int i = 0; b.preallocate && i < b.spareFloor(); i++) {
                KThread k = threads.start(lane, KThread.State.POOLED);
                if (k == null || !lane.give(k)) {
                    close();
                    throw new IllegalStateException("cannot preallocate spare " + i + " of lane " + lane.id
                            + ": the thread factory gave no thread that started (see the uncaught-error handler)");
                }
            }
        }
        if (watchdog != null) watchdog.start();
        this.exitWait = b.closeOnExit;
        this.exitHook = exitWait.isZero() ? null : new Thread(this::closeAtExit, "asys-close-on-exit");
        if (exitHook != null) Runtime.getRuntime().addShutdownHook(exitHook);
    }

    /** The exit hook: close, waiting a while; report what is left. */
    private void closeAtExit() {
        if (closeAndAwait(exitWait)) return;
        System.getLogger("asys").log(System.Logger.Level.WARNING, "JVM exit: the asys runtime did not close within "
                + exitWait + ": " + identities.size() + " identities with calls in flight " + identities + ", "
                + threads.alive() + " threads alive; those calls end with the JVM, without an outcome");
    }

    /**
     * A builder with the default settings.
     *
     * @return a new builder
     */
    public static RuntimeBuilder builder() { return new RuntimeBuilder(); }

    /**
     * A new identity (event loop) with a thread of its own, on the next lane.
     *
     * @param name the identity's name, for diagnostics
     * @return the new identity, its loop running
     * @throws IllegalStateException when the runtime is closed or the thread limit is reached
     */
    public Identity newIdentity(String name) {
        Objects.requireNonNull(name, "name");
        if (closing()) throw new IllegalStateException("runtime is closed: no new identities");
        Lane lane = lanes[Math.floorMod(nextLane.getAndIncrement(), lanes.length)];
        Identity u = new Identity(identityIds.incrementAndGet(), name, this, lane);
        KThread k = threads.start(lane, KThread.State.USER);
        if (k == null) {
            throw new IllegalStateException("cannot start identity " + name + ": " + (threads.slotFree()
                    ? "the thread factory gave no thread that could start (see the uncaught-error handler)"
                    : "thread limit " + threads.threadLimit() + " reached (each identity needs a thread of its own, and spares count too)"));
        }
        identities.add(u);
        if (closing()) u.close();   // close() began after the check above and may not have seen u in the list
        u.claim(k);
        k.assign(new KThread.Assignment(u));
        return u;
    }

    /**
     * Counters a user can read; exact once the runtime is closed.
     *
     * @return a snapshot of the counters
     */
    public Counters counters() {
        int pooled = 0;
        for (Lane l : lanes) pooled += l.pooled();
        long quick = 0;
        for (Identity u : identities) quick += u.quickCalls();
        return counters.snapshot(quick, threads.alive(), pooled, ownerViolations.get(), identities.size(),
                reporter.stepFailures.sum());
    }

    /** The identities whose loop has not ended (for the stall watchdog). */
    Iterable<Identity> liveIdentities() { return identities; }

    /**
     * With tracing on, records the current layout as a {@link TraceAction#Layout} event: the
     * settings, every pooled spare with its lane, every identity with its carrier thread and lane.
     * Trace validation starts from it. Call it while no task or call is running (after creating
     * the identities, before giving them work).
     */
    public void traceLayout() {
        if (tracer != null) {
            tracer.layout(lanes.length, lanes[0].capacity(), lanes[0].floor, threads.threadLimit(), inFlightLimit,
                    threads.threads(), identities);
        }
    }

    /**
     * Automatic hook fires so far by call site (the JDK entry point, as {@code "Thread.sleep"},
     * {@code "Socket.read"}, ...): where this runtime's handoffs come from. Only sites that fired
     * are listed; empty without {@link RuntimeBuilder#automaticHook}.
     *
     * @return fires by site name, in name order
     */
    public Map<String, Long> automaticHookFires() {
        Map<String, Long> out = new TreeMap<>();
        if (automaticFires == null) return out;
        String[] names = AutomaticHook.sites();
        for (int i = 1; i < automaticFires.length(); i++) {
            long n = automaticFires.get(i);
            if (n != 0) out.put(names[i], n);
        }
        return out;
    }

    void countAutomaticFire(int index) {
        if (automaticFires != null) automaticFires.incrementAndGet(index);
    }

    /**
     * Times a thread found an identity carried by another thread: must stay 0 (IdentityUnique).
     *
     * @return the owner check's failures so far
     */
    public int ownerViolations() { return ownerViolations.get(); }

    /**
     * Whether {@link #close} has begun.
     *
     * @return true once closing
     */
    public boolean isClosed() { return closing(); }

    /**
     * Stops new identities, tasks and calls; waits until every identity has delivered the outcome
     * of every call in flight and every thread the runtime started has ended. A call that never
     * finishes makes this wait forever: use {@link #close(Duration)}. Called from a runtime thread
     * (a task or handler), it starts closing and returns at once: waiting would wait for itself
     * (and {@code close(Duration)} then returns false: not everything has ended yet).
     * Interrupted while waiting, it returns with the thread's interrupt flag set; closing goes on.
     */
    @Override
    public void close() {
        closeAndAwait(null);   // false only when interrupted while waiting: the interrupt flag is set again
    }

    /**
     * {@link #close()} waiting at most {@code timeout}.
     *
     * @param timeout how long to wait for everything to end
     * @return true when everything has ended
     */
    public boolean close(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        return closeAndAwait(timeout);
    }

    private boolean closeAndAwait(Duration timeout) {
        if (exitHook != null && Thread.currentThread() != exitHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(exitHook);
            } catch (IllegalStateException exiting) {
                // the JVM is exiting: the hook runs (and waits) as well
            }
        }
        closeRuntime();
        for (Identity u : identities) u.close();
        threads.exitPooled(lanes);
        if (KThread.current() != null && KThread.current().runtime == this) return false;   // cannot wait for itself
        long deadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        if (!threads.awaitAllExited(lanes, deadline, timeout == null)) return false;
        if (watchdog != null) watchdog.stop();
        return true;
    }

    /** CloseRuntime: the flag and the event together (a step that reads the flag and emits comes
     *  wholly before or after). A trace sink that fails is reported; closing goes on. */
    private void closeRuntime() {
        Runnable afterLastExit = () -> { if (watchdog != null) watchdog.stop(); };   // closed from a runtime thread: nobody waits
        try {
            Tracer.step(tracer, AsysRuntime::closeRuntime, this, afterLastExit, null, null);
        } catch (Throwable t) {
            threads.startClosing(afterLastExit);
            reporter.stepFailed("CloseRuntime", "closing goes on", t);
        }
    }

    private static Void closeRuntime(AsysRuntime rt, Runnable afterLastExit, Object a, Object b, Tracer tr) {
        if (rt.threads.startClosing(afterLastExit) && tr != null) tr.emit(TraceAction.CloseRuntime);
        return null;
    }

    // ---- internals -----------------------------------------------------------------------

    boolean closing() { return threads.closing(); }

    /** Reserves {@code n} consecutive call ids; returns the first (ids start at 1). */
    long reserveCallIds(int n) { return callIds.getAndAdd(n) + 1; }

    void identityEnded(Identity u) {
        counters.quick.add(u.quickCalls());   // counted here before the identity leaves the list
        identities.remove(u);
    }

    void ownerViolation(Identity u, KThread k) {
        ownerViolations.incrementAndGet();
        reporter.uncaught("owner check: " + u + " is not carried by " + k + " alone", new IllegalStateException("IdentityUnique"));
    }
}
