package asys.runtime;

import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * An identity: an event loop, carried by exactly one runtime thread at a time (the spec's
 * {@code Identity}). Give it tasks from any thread with {@link #execute}; a task submits calls
 * with {@link #submit}. Each submitted call runs inline on the loop's thread right after the task
 * returns. When a call blocks (through {@link Blocking}), the thread's hook hands the loop to a
 * reserved spare thread, which goes on with the loop's other work; the blocked thread finishes the
 * call as a worker and posts its completion here.
 *
 * <p>The loop, run by whichever thread carries it: run the next submitted call (Submit, then
 * CompleteInline, WouldBlock or HookFire); else reap a completion (Reap) and run its handler; else
 * run the next task; else sleep until a task or a completion arrives (Await when calls are
 * outstanding). Submission queue and in-flight count belong to the carrier; the completion queue
 * and the sleep are guarded by {@link #lock}, so a post cannot slip between the check and the
 * sleep (NoLostWakeup).
 */
public final class Identity implements AutoCloseable {

    final int id;
    private final String name;
    private final AsysRuntime runtime;
    final Lane lane;

    /** Tasks from any thread. */
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    /** Calls submitted and not yet run; carrier only. */
    private final ArrayDeque<CallRecord<?>> submissions = new ArrayDeque<>();
    /** Calls accepted at Submit and not yet done (QUICK, EAGAIN or reaped); carrier only. */
    private int inFlight;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** Completions posted and not yet reaped, linked through {@link CallRecord#nextCompletion}
     *  (head first; null when empty); guarded by lock. Intrusive, so that a post allocates
     *  nothing: a post out of memory would lose its completion. */
    private CallRecord<?> completionsHead, completionsTail;
    /** completions is non-empty: written under lock, read without it so that the fast path takes
     *  no lock when nothing was posted (a stale false is safe: await re-checks under lock). */
    private volatile boolean posted;
    /** The carrier sleeps on {@link #wake}; guarded by lock. */
    private boolean sleeping;
    /** IN_PROGRESS calls not yet posted (the spec's Outstanding). */
    private final AtomicInteger outstanding = new AtomicInteger();

    /** QUICK calls of this identity. Written by its carrier alone (one at a time, each handoff a
     *  happens-before edge) with opaque stores, which cost no fence, and summed by
     *  {@link AsysRuntime#counters()}: a shared adder here cost a CAS per call on the fast path. */
    private long quickCalls;
    /** The next call id to hand out and the end of the block of ids reserved from the runtime;
     *  carrier only. Ids come in blocks so that the fast path touches no shared counter; with
     *  tracing on, a block is one id, so that ids in a trace are dense (the spec's Call set). */
    private long nextCallId, callIdEnd;
    private static final java.lang.invoke.VarHandle QUICK_CALLS;
    static {
        try {
            QUICK_CALLS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Identity.class, "quickCalls", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Loop steps so far (a call run, a completion reaped, a task run) and what the current one
     *  is: written by the carrier alone with opaque stores, which cost no fence, and read by the
     *  stall watchdog, for which a recent value is enough. */
    private long steps;
    /** {@link #TASK}, {@link #HANDLER} or {@link #CALL}: a byte, so the store costs no GC barrier. */
    private byte stepKind;
    static final byte TASK = 0, HANDLER = 1, CALL = 2;
    private static final java.lang.invoke.VarHandle STEPS;
    static {
        try {
            STEPS = java.lang.invoke.MethodHandles.lookup().findVarHandle(Identity.class, "steps", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The thread carrying this identity now: the owner check (IdentityUnique). */
    private final AtomicReference<KThread> owner = new AtomicReference<>();
    private volatile boolean closing;
    private final RuntimeFuture<Void> ended;

    Identity(int id, String name, AsysRuntime runtime, Lane lane) {
        this.id = id;
        this.name = name;
        this.runtime = runtime;
        this.lane = lane;
        this.ended = new RuntimeFuture<>("identity " + name + "'s ended()", this);
    }

    /** The id used in traces ({@code identity}). */
    public int id() { return id; }

    public String name() { return name; }

    /**
     * Runs {@code task} on this loop (from any thread). Throws {@link RejectedExecutionException}
     * once this identity or its runtime is closed.
     */
    public void execute(Runnable task) {
        Objects.requireNonNull(task, "task");
        if (closing || runtime.closing()) {
            throw new RejectedExecutionException("identity " + name + " is closed: it takes no new tasks");
        }
        tasks.add(task);
        if (!isCarrier(Thread.currentThread())) {
            lock.lock();
            try {
                if (sleeping) wake.signal();
            } finally {
                lock.unlock();
            }
        }
    }

    /** Submits {@code call}; see {@link #submit(int, Call, CompletionHandler)}. */
    public <T> CallHandle<T> submit(Call<T> call, CompletionHandler<T> handler) {
        return submit(CallFlags.NONE, call, handler);
    }

    /**
     * Submits a call from a task (or handler) running on this loop. The call runs inline on this
     * loop's thread right after the task returns; {@code handler} then gets its one result on this
     * loop. {@code flags}: {@link CallFlags#NONBLOCK}, {@link CallFlags#ATOMIC}, or both.
     *
     * @throws NullPointerException naming {@code call} or {@code handler} when null
     * @throws IllegalArgumentException for unknown flag bits
     * @throws IllegalStateException when not called on this loop, or once it or its runtime is closed
     */
    public <T> CallHandle<T> submit(int flags, Call<T> call, CompletionHandler<T> handler) {
        Objects.requireNonNull(call, "call");
        return enqueue(flags, call, null, handler);
    }

    /** Submits a call with an explicit completion state machine (see {@link StageCall}). */
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
        if (nextCallId == callIdEnd) {
            int block = runtime.tracer == null ? CALL_ID_BLOCK : 1;
            nextCallId = runtime.reserveCallIds(block);
            callIdEnd = nextCallId + block;
        }
        CallRecord<T> x = new CallRecord<>(nextCallId++, this, flags, call, stage, handler);
        submissions.add(x);
        return x;
    }

    /** Call ids reserved at a time when tracing is off. */
    static final int CALL_ID_BLOCK = 1024;

    /** QUICK calls so far (an opaque read: a recent value). */
    long quickCalls() { return (long) QUICK_CALLS.getOpaque(this); }

    /** Stops new tasks and calls; the loop ends once every call in flight has had its outcome. */
    @Override
    public void close() {
        Tracer tr = runtime.tracer;
        if (tr == null) {
            closing = true;
        } else {
            synchronized (tr) {   // the loop's end reads closing: the Close event comes first
                if (!closing) {
                    closing = true;
                    runtime.emitQuietly(tr, "Close", "identity", id);
                }
            }
        }
        lock.lock();
        try {
            if (sleeping) wake.signal();
        } finally {
            lock.unlock();
        }
    }

    public boolean isClosed() { return closing; }

    /** Completes when the loop has ended after {@link #close}; the runtime alone completes it
     *  (cancel and complete are refused, see {@link CallHandle#future()}). */
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

    private void checkOwner(KThread me) {
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
                runtime.stepFailed("loop", owner.get() == me ? "identity " + id + " goes on" : "thread " + me.id + " leaves identity " + id, t);
                if (owner.get() != me) return;
            }
        }
    }

    /** One step of the loop; false when {@code me} no longer carries it. */
    private boolean loopStep(KThread me) {
        {
            CallRecord<?> x = submissions.poll();
            if (x != null) {
                step(CALL);
                return runSubmitted(me, x);   // false: me finished x as a worker, the loop is elsewhere
            }
            CallRecord<?> c = reap(me);
            if (c != null) {
                inFlight--;
                step(HANDLER);
                deliver(me, c);
                return true;
            }
            Runnable task = tasks.poll();
            if (task != null) {
                step(TASK);
                checkOwner(me);
                try {
                    task.run();
                } catch (Throwable t) {
                    runtime.reportUncaught("task on identity " + name + " threw", t);
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
            await(me);
            return true;
        }
    }

    /**
     * IdentityEnd: the loop has ended; its carrier goes back to its lane's pool (or exits when the
     * pool is full), in one step with the event; once the runtime is closing it is then told to
     * exit (PoolExit).
     */
    private void identityEnd(KThread me) {
        Tracer tr = runtime.tracer;
        if (tr == null) {
            me.parkedAtFinish = runtime.parkOrRetire(me);
        } else {
            synchronized (tr) {
                me.parkedAtFinish = runtime.parkOrRetire(me);
                runtime.emitQuietly(tr, "IdentityEnd", "thread", me.id, "identity", id);
            }
        }
        if (me.parkedAtFinish) runtime.exitIfClosing(me);
    }

    private void step(byte kind) {
        stepKind = kind;
        STEPS.setOpaque(this, steps + 1);
    }

    /** Loop steps begun so far (a recent value). */
    long steps() { return (long) STEPS.getOpaque(this); }

    /** What the current step runs: "call", "handler" or "task" (a recent value). */
    String stepKind() {
        byte k = stepKind;
        return k == CALL ? "call" : k == HANDLER ? "handler" : "task";
    }

    /** Submit found the pool empty: the call goes to the allocator. */
    private static final KThread TO_ALLOCATOR = null;

    /**
     * Submit, then the call's body inline, then submit's single return path. Returns false when
     * {@code me} finished the call as a kernel-only worker (the hook had fired): the identity is
     * carried by another thread now, and {@code me} must leave the loop.
     */
    private <T> boolean runSubmitted(KThread me, CallRecord<T> x) {
        KThread s;
        Tracer tr = runtime.tracer;
        try {
            if (tr == null) {
                s = submit(me, x, null);
            } else {
                synchronized (tr) {      // the pool's state and the event change together
                    s = submit(me, x, tr);
                }
            }
        } catch (Throwable t) {
            // Submit undid itself (the call not accepted, any spare back in its pool): the call
            // fails with t, as EAGAIN, which says it did not run.
            if (x.outcome() == Outcome.PENDING) x.decide(Outcome.EAGAIN, EagainReason.RUNTIME_ERROR);
            runtime.stepFailed("Submit", "call " + x.id + " gets EAGAIN (RUNTIME_ERROR) with the error", t);
            runtime.counters.eagain.increment();
            x.finish(null, x.eagainReason() == EagainReason.RUNTIME_ERROR ? t : null);
            deliver(me, x);
            return true;
        }
        if (x.outcome() == Outcome.EAGAIN) {
            runtime.counters.eagain.increment();
            x.finish(null, null);
            deliver(me, x);
            return true;
        }
        if (s == TO_ALLOCATOR) {
            if (tr == null) {
                s = allocate(me, x, null);
            } else {
                synchronized (tr) {  // the supply's state and the event change together
                    s = allocate(me, x, tr);
                }
            }
            if (s == null) {
                runtime.counters.eagain.increment();
                x.finish(null, null);
                deliver(me, x);
                return true;
            }
        }
        me.spare = s;                        // the hook is set
        me.wouldBlockSignalled = false;
        me.blockDepth = 0;

        // The call's body, on this stack.
        T value = null;
        Throwable error = null;
        CompletionStage<T> stage = null;
        me.inBody = true;
        try {
            if (x.call != null) value = x.call.run();
            else stage = Objects.requireNonNull(x.stageCall.start(), "a StageCall returned null instead of a stage");
        } catch (WouldBlockSignal signal) {
            // NONBLOCK: handled below from me.wouldBlockSignalled
        } catch (Throwable t) {
            error = t;
        } finally {
            me.inBody = false;
            // A call's interrupt (and context class loader) is its own: it must not reach the next
            // call, task or handler this thread runs (as ThreadPoolExecutor clears it between tasks).
            me.resetThreadState();
        }

        // Submit's return path: the hook check tells the original caller from a worker.
        if (me.spare != null || Fault.NO_HOOK_CHECK) {
            if (me.wouldBlockSignalled || (stage != null && !isDone(stage) && x.nonblock())) {
                leaveCall(me, x, "WouldBlock", Outcome.EAGAIN);
                x.decide(Outcome.EAGAIN, EagainReason.WOULD_BLOCK);
                runtime.counters.eagain.increment();
                x.finish(null, null);
                inFlight--;
                deliver(me, x);
            } else if (stage != null && !isDone(stage)) {
                leaveCall(me, x, "WouldBlock", Outcome.IN_PROGRESS);
                x.decide(Outcome.IN_PROGRESS, null);
                callWentAsync();
                runtime.counters.inProgress.increment();
                stage.whenComplete((v, e) -> {
                    x.finish(v, unwrap(e));
                    post(x, "MachineComplete", null);
                });
            } else {
                if (stage != null) {
                    try {
                        value = stage.toCompletableFuture().join();
                    } catch (Throwable t) {
                        error = unwrap(t);
                    }
                }
                leaveCall(me, x, "CompleteInline", null);   // the step's event first, then its effect on x
                x.decide(Outcome.QUICK, null);
                QUICK_CALLS.setOpaque(this, quickCalls + 1);
                x.finish(value, error);
                inFlight--;
                deliver(me, x);
            }
            return true;
        }
        // WorkerFinish: the hook is clear, so this thread is a kernel-only worker now.
        if (stage != null) {
            Blocking.StageResult<T> done = Blocking.awaitStage(stage);
            value = done.value();
            error = done.error();
        }
        x.finish(value, error);
        me.current = null;
        post(x, "WorkerFinish", me);
        return false;
    }

    /**
     * The Submit step: over the limit, EAGAIN at once; else take a spare from this lane's pool;
     * pool empty: ATOMIC gets EAGAIN at once, others enter the call and go to the allocator
     * (returns {@link #TO_ALLOCATOR}). Emits Submit when {@code tr} is non-null.
     */
    private KThread submit(KThread me, CallRecord<?> x, Tracer tr) {
        if (inFlight >= runtime.inFlightLimit) {
            x.decide(Outcome.EAGAIN, EagainReason.LIMIT);
            if (tr != null) tr.emit("Submit", "thread", me.id, "identity", id, "call", x.id, "lane", lane.id,
                    "flags", CallFlags.names(x.flags), "outcome", "EAGAIN", "reason", "LIMIT");
            return null;
        }
        KThread s = lane.take();
        if (s == null && x.atomic()) {
            x.decide(Outcome.EAGAIN, EagainReason.NO_SPARE);
            if (tr != null) tr.emit("Submit", "thread", me.id, "identity", id, "call", x.id, "lane", lane.id,
                    "flags", CallFlags.names(x.flags), "outcome", "EAGAIN", "reason", "NO_SPARE");
            return null;
        }
        inFlight++;
        me.state(KThread.State.IN_CALL);
        me.current = x;
        if (s != null) s.state(KThread.State.RESERVED);
        try {
            Inject.at(Inject.Point.Submit);
            if (tr != null) tr.emit("Submit", "thread", me.id, "identity", id, "call", x.id, "lane", lane.id,
                    "flags", CallFlags.names(x.flags), "spare", s == null ? null : s.id);
        } catch (Throwable t) {
            inFlight--;                     // undone: as before the step
            me.state(KThread.State.USER);
            me.current = null;
            if (s != null) releaseSpare(s);
            throw t;
        }
        return s;
    }

    /** The Allocate step: a new thread from the supply becomes the spare, or the call gets EAGAIN. */
    private KThread allocate(KThread me, CallRecord<?> x, Tracer tr) {
        KThread fresh;
        boolean exhausted;
        try {
            AsysRuntime.Allocation a = runtime.allocateSpare(lane);   // a failed start is undone there
            fresh = a.spare();
            exhausted = a.exhausted();
        } catch (Throwable t) {
            runtime.stepFailed("Allocate", "call " + x.id + " gets EAGAIN (NO_SPARE)", t);
            fresh = null;
            exhausted = false;
        }
        if (fresh == null) {
            // AllocateExhausted (the supply has no thread left) or AllocateFails (starting one failed)
            x.decide(Outcome.EAGAIN, EagainReason.NO_SPARE);
            inFlight--;
            me.state(KThread.State.USER);
            me.current = null;
            if (tr != null) tr.emit(exhausted ? "Allocate" : "AllocateFails", "thread", me.id, "call", x.id,
                    "outcome", "EAGAIN", "reason", "NO_SPARE");
            return null;
        }
        try {
            if (tr != null) tr.emit("Allocate", "thread", me.id, "call", x.id, "spare", fresh.id);
        } catch (Throwable t) {
            runtime.stepFailed("Allocate", "call " + x.id + " has spare " + fresh.id + " all the same", t);
        }
        return fresh;
    }

    private static boolean isDone(CompletionStage<?> stage) {
        return stage.toCompletableFuture().isDone();
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof java.util.concurrent.CompletionException || e instanceof java.util.concurrent.ExecutionException)
                && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }

    /**
     * CompleteInline (QUICK) or WouldBlock (EAGAIN for NONBLOCK, IN_PROGRESS for a state machine):
     * the caller leaves its call on its own stack. Clear the hook; the spare goes back to the pool,
     * or exits when the pool is full; both in one step with the event.
     */
    private void leaveCall(KThread me, CallRecord<?> x, String action, Outcome outcome) {
        KThread s = me.spare;
        if (!(Fault.HOOK_KEPT_ON_FAST_PATH && outcome == null)) me.spare = null;   // the hook is cleared
        me.state(KThread.State.USER);
        me.current = null;
        Tracer tr = runtime.tracer;
        boolean released = s == null;
        try {
            Inject.at(outcome == null ? Inject.Point.CompleteInline : Inject.Point.WouldBlock);
            if (tr == null) {
                if (s != null) releaseSpare(s);
                released = true;
            } else {
                synchronized (tr) {
                    if (s != null) releaseSpare(s);
                    released = true;
                    tr.emit(action, "thread", me.id, "call", x.id, "spare", s == null ? null : s.id,
                            "outcome", outcome == null ? null : outcome.name(), "hook", me.spare != null);
                }
            }
        } catch (Throwable t) {
            if (!released) releaseSpare(s);   // completed: the spare goes back, the call ends below
            runtime.stepFailed(action, "call " + x.id + " ends on its caller's stack all the same", t);
        }
        if (s != null) runtime.exitIfClosing(s);   // PoolExit, once the runtime is closing
        if (Fault.QUICK_POSTS && outcome == null) {
            callWentAsync();
            post(x, "MachineComplete", null);
        }
    }

    /** The spare goes back to its pool, or (pool full, or the park failed) is told to exit. */
    private void releaseSpare(KThread s) {
        if (!runtime.parkOrRetire(s)) s.assign(KThread.Assignment.EXIT);
    }

    void callWentAsync() { outstanding.incrementAndGet(); }

    /**
     * Posts x's completion and wakes the carrier if asleep in await. For WorkerFinish, the worker
     * goes back to its pool (or exits) in the same step, as the spec's WorkerFinish does.
     */
    void post(CallRecord<?> x, String action, KThread worker) {
        boolean parkInStep = worker != null;
        if (Fault.POOL_BEFORE_POST && worker != null) {
            worker.parkedAtFinish = runtime.park(worker);   // back in the pool first...
            Fault.pause();                                  // ...and the post comes later
            parkInStep = false;
        }
        lock.lock();
        try {
            boolean queued = false, parked = !parkInStep;
            try {
                Inject.at(worker != null ? Inject.Point.WorkerFinish : Inject.Point.MachineComplete);
                enqueueCompletion(x);
                queued = true;
                Tracer tr = runtime.tracer;
                if (tr == null) {
                    if (parkInStep) worker.parkedAtFinish = runtime.parkOrRetire(worker);
                    parked = true;
                } else {
                    synchronized (tr) {
                        if (parkInStep) worker.parkedAtFinish = runtime.parkOrRetire(worker);
                        parked = true;
                        tr.emit(action, "thread", worker == null ? null : worker.id, "identity", id, "call", x.id);
                    }
                }
            } catch (Throwable t) {
                if (Fault.POST_NOT_FAILURE_ATOMIC) throw t;
                // Completed: the completion is posted, the worker pooled or exits.
                if (!queued) enqueueCompletion(x);
                if (!parked) worker.parkedAtFinish = runtime.parkOrRetire(worker);
                runtime.stepFailed(action, "call " + x.id + "'s completion is posted all the same", t);
            }
            if (sleeping) wake.signal();
        } finally {
            lock.unlock();
        }
        if (worker != null && worker.parkedAtFinish) runtime.exitIfClosing(worker);   // PoolExit, once closing
    }

    /** Appends x to the completion queue: plain writes, no allocation. Under lock. */
    private void enqueueCompletion(CallRecord<?> x) {
        x.nextCompletion = null;
        if (completionsTail == null) completionsHead = x;
        else completionsTail.nextCompletion = x;
        completionsTail = x;
        posted = true;
        outstanding.decrementAndGet();
    }

    /** Reap: takes one completion, or null. */
    CallRecord<?> reap(KThread me) {
        if (!posted) return null;
        lock.lock();
        try {
            CallRecord<?> x = completionsHead;
            if (x == null) {
                posted = false;
                return null;
            }
            completionsHead = x.nextCompletion;
            if (completionsHead == null) {
                completionsTail = null;
                posted = false;
            }
            try {
                Inject.at(Inject.Point.Reap);
                if (runtime.tracer != null) runtime.tracer.emit("Reap", "thread", me.id, "identity", id, "call", x.id);
            } catch (Throwable t) {
                // Undone: the completion back at the head of the queue; the loop reaps it again.
                x.nextCompletion = completionsHead;
                completionsHead = x;
                if (completionsTail == null) completionsTail = x;
                posted = true;
                throw t;
            }
            x.nextCompletion = null;
            return x;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sleeps until a task or a completion arrives, or close. With calls outstanding this is the
     * spec's Await; a post wakes it (in the post's step). Woken by a new task instead, it is the
     * spec's AwaitInterrupted: back to user code with the queue still empty.
     */
    void await(KThread me) {
        lock.lock();
        try {
            boolean awaiting = false;
            while (completionsHead == null && tasks.isEmpty() && !(closing && inFlight == 0)) {
                if (!awaiting && outstanding.get() > 0) {
                    Inject.at(Inject.Point.Await);   // a throw: nothing changed, the loop takes the step again
                    awaiting = true;
                    if (runtime.tracer != null) runtime.tracer.emit("Await", "thread", me.id, "identity", id);
                }
                me.state(KThread.State.AWAITING);
                if (Fault.AWAIT_NOT_ATOMIC) {
                    lock.unlock();   // the check above is now stale
                    Fault.pause();
                    lock.lock();
                }
                sleeping = true;
                try {
                    wake.await();
                } catch (InterruptedException e) {
                    // a loop's carrier ignores interrupts: only work or close wakes it
                } finally {
                    sleeping = false;
                }
            }
            if (awaiting && completionsHead == null && runtime.tracer != null) {
                runtime.tracer.emit("AwaitInterrupted", "thread", me.id, "identity", id);
            }
        } finally {
            me.state(KThread.State.USER);
            lock.unlock();
        }
    }

    /** Runs x's handler once; what it throws goes to the uncaught-error handler. */
    private <T> void deliver(KThread me, CallRecord<T> x) {
        if (x.handlerRan) throw new IllegalStateException("handler of call " + x.id + " would run twice");
        x.handlerRan = true;
        try {
            try {
                Inject.at(Inject.Point.Deliver);
                checkOwner(me);
            } catch (Throwable t) {
                runtime.stepFailed("Deliver", "call " + x.id + "'s handler runs all the same", t);
            }
            x.handler.onResult(x);
        } catch (Throwable t) {
            runtime.reportUncaught("handler of call " + x.id + " on identity " + name + " threw", t);
        } finally {
            me.resetThreadState();
            x.delivered();
        }
    }

    @Override
    public String toString() { return "Identity " + id + " (" + name + ")"; }
}
