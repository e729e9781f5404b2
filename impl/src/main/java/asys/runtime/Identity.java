package asys.runtime;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An identity: an event loop, carried by exactly one runtime thread at a time (the spec's
 * {@code Identity}). Give it tasks from any thread with {@link #execute}; a task submits calls
 * with {@link #submit}. Each submitted call runs inline on the loop's thread right after the task
 * returns. When a call blocks (through {@link Blocking}, or anywhere in the JDK with the automatic
 * hook), the thread's hook hands the loop to a reserved spare thread, which goes on with the
 * loop's other work; the blocked thread finishes the call as a worker and posts its completion.
 *
 * <p>The loop, run by whichever thread carries it: run the next submitted call (its steps are
 * {@link CallSteps}'); else reap a completion and run its handler; else run the next task; else,
 * once closed with nothing in flight, end (IdentityEnd); else sleep until a task or a completion
 * arrives (Await when calls are outstanding). The submission queue and the in-flight count
 * belong to the carrier; the completion queue and the sleep are the {@link CompletionQueue}'s.
 */
public final class Identity extends LoopStats implements AutoCloseable {

    final int id;
    private final String name;
    final AsysRuntime runtime;
    final Lane lane;
    /** Completions posted and not yet reaped, and the carrier's sleep. */
    final CompletionQueue completions;

    /** Tasks from any thread. */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Calls submitted and not yet run; carrier only. */
    private final ArrayDeque<CallRecord<?>> submissions = new ArrayDeque<>();
    /** Calls accepted at Submit and not yet done (QUICK, EAGAIN or reaped); carrier only. */
    int inFlight;
    /** The thread carrying this identity now: the owner check (IdentityUnique). */
    private final AtomicReference<KThread> owner = new AtomicReference<>();
    private volatile boolean closing;
    private final RuntimeFuture<Void> ended;

    Identity(int id, String name, AsysRuntime runtime, Lane lane) {
        this.id = id;
        this.name = name;
        this.runtime = runtime;
        this.lane = lane;
        this.completions = new CompletionQueue(id, runtime.tracer, runtime.reporter, runtime.threads,
                () -> !tasks.isEmpty() || (closing && inFlight == 0));
        this.ended = new RuntimeFuture<>("identity " + name + "'s ended()", this);
    }

    /**
     * The id used in traces ({@code identity}).
     *
     * @return the id
     */
    public int id() { return id; }

    /**
     * The name given at {@link AsysRuntime#newIdentity}.
     *
     * @return the name
     */
    public String name() { return name; }

    /**
     * Runs {@code task} on this loop (from any thread).
     *
     * @param task what to run on the loop
     * @throws RejectedExecutionException once this identity or its runtime is closed
     */
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (closing || runtime.closing()) {
            throw new RejectedExecutionException("identity " + name + " is closed: it takes no new tasks");
        }
        tasks.add(task);
        if (!isCarrier(Thread.currentThread())) completions.wake();
    }

    /**
     * Submits {@code call} with no flags; see {@link #submit(int, Call, CompletionHandler)}.
     *
     * @param <T> the call's result type
     * @param call the call's code
     * @param handler gets the call's one result on this loop
     * @return the call's handle
     */
    public <T> CallHandle<T> submit(Call<T> call, CompletionHandler<T> handler) {
        return submit(CallFlags.NONE, call, handler);
    }

    /**
     * Submits a call from a task (or handler) running on this loop. The call runs inline on this
     * loop's thread right after the task returns; {@code handler} then gets its one result on this
     * loop.
     *
     * @param <T> the call's result type
     * @param flags {@link CallFlags#NONBLOCK}, {@link CallFlags#ATOMIC}, both, or {@link CallFlags#NONE}
     * @param call the call's code
     * @param handler gets the call's one result on this loop
     * @return the call's handle
     * @throws NullPointerException naming {@code call} or {@code handler} when null
     * @throws IllegalArgumentException for unknown flag bits
     * @throws IllegalStateException when not called on this loop, or once it or its runtime is closed
     */
    public <T> CallHandle<T> submit(int flags, Call<T> call, CompletionHandler<T> handler) {
        Objects.requireNonNull(call, "call");
        return enqueue(flags, call, null, handler);
    }

    /**
     * Submits a call with an explicit completion state machine (see {@link StageCall}); as
     * {@link #submit(int, Call, CompletionHandler)} otherwise.
     *
     * @param <T> the call's result type
     * @param flags {@link CallFlags#NONBLOCK}, {@link CallFlags#ATOMIC}, both, or {@link CallFlags#NONE}
     * @param call starts the state machine
     * @param handler gets the call's one result on this loop
     * @return the call's handle
     */
    public <T> CallHandle<T> submitStage(int flags, StageCall<T> call, CompletionHandler<T> handler) {
        Objects.requireNonNull(call, "call");
        return enqueue(flags, null, call, handler);
    }

    private <T> CallHandle<T> enqueue(int flags, Call<T> call, StageCall<T> stage, CompletionHandler<T> handler) {
        Objects.requireNonNull(handler, "handler");
        if ((flags & ~CallFlags.ALL) != 0) {
            throw new IllegalArgumentException("unknown call flags 0x" + Integer.toHexString(flags)
                    + " (use CallFlags.NONBLOCK, CallFlags.ATOMIC)");
        }
        if (!isCarrier(Thread.currentThread())) {
            throw new IllegalStateException("submit must be called from a task running on identity " + name
                    + " (give it one with execute)");
        }
        if (closing || runtime.closing()) {
            throw new IllegalStateException("identity " + name + " is closed: it takes no new calls");
        }
        CallRecord<T> x = new CallRecord<>(nextCallId(runtime), this, flags, call, stage, handler);
        submissions.add(x);
        return x;
    }

    /** Close: stops new tasks and calls; the loop ends once every call in flight has had its outcome. */
    @Override
    public void close() {
        try {
            Tracer.step(runtime.tracer, Identity::close, this, null, null, null);
        } catch (Throwable t) {
            closing = true;
            runtime.reporter.stepFailed("Close", "identity " + id + " is closed all the same", t);
        }
        completions.wake();
    }

    /** Close's step: the flag and the event together (the loop's end reads the flag). */
    private static Void close(Identity u, Object a, Object b, Object c, Tracer tr) {
        if (u.closing) return null;
        u.closing = true;
        if (tr != null) tr.emit(TraceAction.Close, u.id);
        return null;
    }

    /**
     * Whether {@link #close} was called (on this identity, or by its runtime's close).
     *
     * @return true once closed
     */
    public boolean isClosed() { return closing; }

    /**
     * Completes when the loop has ended after {@link #close}; the runtime alone completes it
     * (cancel and complete are refused, see {@link CallHandle#future()}).
     *
     * @return the loop's end
     */
    public CompletableFuture<Void> ended() { return ended; }

    // ---- the loop, on its carrier thread --------------------------------------------------

    boolean isCarrier(Thread t) {
        KThread k = owner.get();
        return k != null && k.thread == t;
    }

    /** The thread carrying this identity now, or null. */
    KThread carrier() { return owner.get(); }

    /** The first carrier takes the identity (at creation). */
    void claim(KThread k) {
        if (!owner.compareAndSet(null, k)) runtime.ownerViolation(this, k);
    }

    /** HookFire moves the identity from {@code from} to {@code to}. */
    void transferOwner(KThread from, KThread to) {
        if (!owner.compareAndSet(from, to)) runtime.ownerViolation(this, from);
    }

    void checkOwner(KThread me) {
        if (owner.get() != me) runtime.ownerViolation(this, me);
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
                runtime.reporter.stepFailed("loop", owner.get() == me ? "identity " + id + " goes on"
                        : "thread " + me.id + " leaves identity " + id, t);
                if (owner.get() != me) return;
            }
        }
    }

    /** One step of the loop; false when {@code me} no longer carries it. */
    private boolean loopStep(KThread me) {
        CallRecord<?> x = submissions.poll();
        if (x != null) {
            step(CALL);
            return CallSteps.run(this, me, x);   // false: me finished x as a worker, the loop is elsewhere
        }
        CallRecord<?> c = completions.reap(me);
        if (c != null) {
            inFlight--;
            step(HANDLER);
            CallSteps.deliver(this, me, c);
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
        if (closing && inFlight == 0 && submissions.isEmpty() && tasks.isEmpty()) {
            boolean carrier = owner.compareAndSet(me, null);   // false: a thread that never carried it (reported)
            runtime.identityEnded(this);
            ended.completeByRuntime(null);
            if (carrier) identityEnd(me);
            return false;
        }
        completions.await(me);
        return true;
    }

    /**
     * IdentityEnd: the loop has ended; its carrier goes back to its lane's pool (or exits when the
     * pool is full), in one step with the event; once the runtime is closing it is then told to
     * exit (PoolExit).
     */
    private void identityEnd(KThread me) {
        Throwable failed;
        try {
            failed = Tracer.step(runtime.tracer, Identity::identityEnd, this, me, null, null);
        } catch (Throwable t) {
            failed = t;
        }
        if (failed != null) runtime.reporter.stepFailed("IdentityEnd", "thread " + me.id + " leaves identity " + id, failed);
        if (me.parkedAtFinish) runtime.threads.exitIfClosing(me);
    }

    private static Throwable identityEnd(Identity u, KThread me, Object a, Object b, Tracer tr) {
        me.parkedAtFinish = u.runtime.threads.parkOrRetire(me);
        if (tr == null) return null;
        try {
            tr.emit(TraceAction.IdentityEnd, me.id, u.id);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @Override
    public String toString() { return "Identity " + id + " (" + name + ")"; }
}
