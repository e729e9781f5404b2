package asys.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An identity's loop, as its carrier runs it: the queues, the owner check and the loop's steps
 * (the superclass of {@link Identity}, which is the public face; a superclass, not a field, so
 * that the fast path reaches these with no extra load). Run by whichever thread carries it: run
 * the submitted calls, oldest first, until none is left (their steps are {@link CallSteps}');
 * else reap a completion and run its handler; else run the next task; else, the loop idle, give
 * back the spare it kept (SpareRelease); else, once closed with nothing in flight, end
 * (IdentityEnd); else sleep until a task or a completion arrives (Await when calls are
 * outstanding). The submission queue and the in-flight count belong to the carrier; the
 * completion queue and the sleep are the {@link CompletionQueue}'s.
 */
abstract sealed class IdentityLoop extends LoopStats permits Identity {

    final int id;
    final String name;
    final AsysRuntime runtime;
    final Lane lane;
    /** The runtime's thread supply, whose flag says the runtime is closing ({@link #refusesCalls}:
     *  a field of the identity's own, one load fewer on every submission). */
    private final ThreadSupply threads;
    /** The runtime's tracer (null when off) and its limit of calls in flight per identity: the
     *  identity's own copies, which every call reads, so that its steps load no runtime. */
    final Tracer tracer;
    final int inFlightLimit;
    /** Completions posted and not yet reaped, and the carrier's sleep. */
    final CompletionQueue completions;

    /** Tasks from any thread. */
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Calls submitted and not yet run; carrier only. */
    final SubmissionQueue submissions = new SubmissionQueue(identity());
    /** Calls accepted at Submit and not yet done (QUICK, EAGAIN or reaped); carrier only. */
    int inFlight;
    /**
     * The spare this identity keeps between its calls (the spec's {@code held[u]}), while
     * {@link #holding}: reserved by its next Submit with plain writes, out of every pool, so that
     * no other thread can take it (the spec's PoolConservation). Carrier only: a HookFire, which
     * hands the identity to another thread, happens with none kept (the call in flight has the
     * spare). Given back when the loop goes idle ({@link #spareRelease}).
     */
    KThread held;
    /** Whether {@link #held} is kept now: a flag beside the reference, so that a run of quick
     *  calls, reserving and keeping the same spare, stores no reference (G1 charges a barrier for
     *  one); {@code held} is meaningful only while it is set. Carrier only. */
    boolean holding;
    /** The thread carrying this identity now: the owner check (IdentityUnique). A field of the
     *  identity's own, not an object beside it: the thread that takes the identity over at a
     *  HookFire reads it first, and one cache line fewer to fetch makes the handoff shorter. */
    private volatile KThread owner;
    private static final VarHandle OWNER;
    static {
        try {
            OWNER = MethodHandles.lookup().findVarHandle(IdentityLoop.class, "owner", KThread.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Set once by Close; the loop's end reads it. */
    volatile boolean closing;
    final RuntimeFuture<Void> ended;

    IdentityLoop(int id, String name, AsysRuntime runtime, Lane lane) {
        this.id = id;
        this.name = name;
        this.runtime = runtime;
        this.lane = lane;
        this.threads = runtime.threads;
        this.tracer = runtime.tracer;
        this.inFlightLimit = runtime.inFlightLimit;
        this.completions = new CompletionQueue(id, runtime.tracer, runtime.reporter, threads,
                () -> !tasks.isEmpty() || (closing && inFlight == 0));
        this.ended = new RuntimeFuture<>("identity " + name + "'s ended()", this);
    }

    /** Identity-local values by {@link IdentityLocal#index}, and which slots are set; carrier only. */
    private Object[] locals = NO_LOCALS;
    private long[] localSet = NO_SET;
    private static final Object[] NO_LOCALS = {};
    private static final long[] NO_SET = {};

    final Object local(int i) { return i < locals.length ? locals[i] : null; }

    final boolean hasLocal(int i) { return (i >> 6) < localSet.length && (localSet[i >> 6] & (1L << i)) != 0; }

    final void setLocal(int i, Object v) {
        if (i >= locals.length) locals = java.util.Arrays.copyOf(locals, Math.max(i + 1, locals.length * 2));
        if ((i >> 6) >= localSet.length) localSet = java.util.Arrays.copyOf(localSet, (i >> 6) + 1);
        locals[i] = v;
        localSet[i >> 6] |= 1L << i;
    }

    final void removeLocal(int i) {
        if (i < locals.length) locals[i] = null;
        if ((i >> 6) < localSet.length) localSet[i >> 6] &= ~(1L << i);
    }

    /** This loop's identity (the one subclass). */
    private Identity identity() { return (Identity) this; }

    /** Queues a new call to run after the current step; on the loop only (its carrier's thread). */
    <T> CallRecord<T> queue(int flags, Call<T> call, StageCall<T> stage, CompletionHandler<T> handler) {
        CallRecord<T> x = new CallRecord<>(nextCallId(runtime), identity(), flags, call, stage, handler);
        submissions.add(x);
        return x;
    }

    /** Queues a new execute-form call to run after the current step; on the loop only. */
    void queue(int flags, Call<?> call, OutcomeHandler<?> handler) {
        submissions.add(nextCallId(runtime), flags, call, handler);
    }

    /** (Fault {@code RecordReusedInFlight}: the blocked call's record takes the next execute-form call.) */
    void reuseInFlight(CallRecord<?> x) { submissions.reuseInFlight(x); }

    /** Whether this identity or its runtime is closed, so that it takes no new calls or tasks. */
    boolean refusesCalls() { return closing || threads.closing(); }

    // ---- the loop, on its carrier thread --------------------------------------------------

    boolean isCarrier(Thread t) {
        KThread k = owner;
        return k != null && k.thread == t;
    }

    /** The thread carrying this identity now, or null. */
    KThread carrier() { return owner; }

    /** The first carrier takes the identity (at creation). */
    void claim(KThread k) {
        if (!OWNER.compareAndSet(this, null, k)) runtime.ownerViolation(identity(), k);
    }

    /** HookFire moves the identity from {@code from} to {@code to}. */
    void transferOwner(KThread from, KThread to) {
        if (!OWNER.compareAndSet(this, from, to)) runtime.ownerViolation(identity(), from);
    }

    void checkOwner(KThread me) {
        if (owner != me) runtime.ownerViolation(identity(), me);
    }

    /** Runs the loop on {@code me} until {@code me} stops carrying it (it became a worker and
     *  finished its call) or the loop ends. */
    void runLoop(KThread me) {
        checkOwner(me);
        while (true) {
            try {
                if (!loopStep(me)) return;
            } catch (Throwable t) {
                // A step of the runtime's own code failed; it undid itself or completed. The loop
                // goes on while this thread carries it (a failure past a handoff leaves it elsewhere).
                runtime.reporter.stepFailed("loop", owner == me ? "identity " + id + " goes on"
                        : "thread " + me.id + " leaves identity " + id, t);
                if (owner != me) return;
            }
        }
    }

    /** One step of the loop; false when {@code me} no longer carries it. */
    private boolean loopStep(KThread me) {
        CallRecord<?> x = submissions.poll();
        if (x != null) {
            do {   // in one entry of this method (calls come before all else: the same order)
                step(CALL);
                if (!CallSteps.run(identity(), me, x)) return false;   // me finished x as a worker, the loop is elsewhere
            } while ((x = submissions.next(x)) != null);   // the loop's record: carries the next execute-form call, or its call's own
            return true;
        }
        CallRecord<?> c = completions.reap(me);
        if (c != null) {
            inFlight--;
            step(HANDLER);
            CallSteps.deliver(identity(), me, c);
            return true;
        }
        Runnable task = tasks.poll();
        if (task != null) {
            step(TASK);
            checkOwner(me);
            try {
                task.run();
            } catch (Throwable t) {
                runtime.reporter.uncaught("task on identity " + name + " threw", t);
            } finally {
                me.resetThreadState();
            }
            return true;
        }
        if (holding) {
            spareRelease(me);
            return true;
        }
        if (closing && inFlight == 0 && submissions.isEmpty() && tasks.isEmpty()) {
            boolean carrier = OWNER.compareAndSet(this, me, null);   // false: a thread that never carried it (reported)
            runtime.identityEnded(identity());
            ended.completeByRuntime(null);
            if (carrier) identityEnd(me);
            return false;
        }
        submissions.trim();   // (after a burst)
        completions.await(me);
        return true;
    }

    /**
     * SpareRelease: the loop has nothing to do and gives back the spare it kept from its last call:
     * to its lane's pool, or it exits when the pool is full; in one step with the event. Once the
     * runtime is closing, a spare pooled here is then told to exit (PoolExit). A failure completes
     * the step.
     */
    private void spareRelease(KThread me) {
        KThread s = held;
        Throwable failed;
        try {
            failed = Tracer.step(runtime.tracer, IdentityLoop::spareRelease, this, me, s, null);
        } catch (Throwable t) {
            if (holding && held == s) giveBack(s);   // the step did not run: completed here
            failed = t;
        }
        if (failed != null) runtime.reporter.stepFailed("SpareRelease", "spare " + s.id + " leaves identity " + id, failed);
        runtime.threads.exitIfClosing(s);   // (a no-op unless s is in its pool)
    }

    /** The kept spare back to its pool, or (pool full, or the park failed) told to exit. */
    private void giveBack(KThread s) {
        holding = false;
        held = null;
        runtime.threads.release(s);
    }

    private static Throwable spareRelease(IdentityLoop u, KThread me, KThread s, Object unused, Tracer tr) {
        u.giveBack(s);
        if (tr == null) return null;
        try {
            tr.emit(TraceAction.SpareRelease, me.id, u.id, s.id, s.lane.id);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /**
     * IdentityEnd: the loop has ended; its carrier goes back to its lane's pool (or exits when the
     * pool is full), in one step with the event; once the runtime is closing it is then told to
     * exit (PoolExit).
     */
    private void identityEnd(KThread me) {
        Throwable failed;
        try {
            failed = Tracer.step(runtime.tracer, IdentityLoop::identityEnd, this, me, null, null);
        } catch (Throwable t) {
            failed = t;
        }
        if (failed != null) runtime.reporter.stepFailed("IdentityEnd", "thread " + me.id + " leaves identity " + id, failed);
        if (me.parkedAtFinish) runtime.threads.exitIfClosing(me);
    }

    private static Throwable identityEnd(IdentityLoop u, KThread me, Object a, Object b, Tracer tr) {
        me.parkedAtFinish = u.runtime.threads.parkOrRetire(me);
        if (tr == null) return null;
        try {
            tr.emit(TraceAction.IdentityEnd, me.id, u.id);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

}
