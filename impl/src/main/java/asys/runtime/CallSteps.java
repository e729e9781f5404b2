package asys.runtime;

import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;

/**
 * The spec's steps of one call, on its identity's loop: {@link #submit}, {@link #allocate} or
 * {@link #allocateFails}, the call's body on the caller's stack, then one of
 * {@link #completeInline}, {@link #wouldBlock} or (the hook fired in the body:
 * {@link KThread#hookFire}) {@link #workerFinish}; a state machine left running ends in
 * {@link #machineComplete}.
 *
 * <p>A call's states, as its {@link CallRecord} holds them:
 * <pre>
 *   PENDING --Submit: over the limit, or ATOMIC with no spare---------------------> EAGAIN
 *   PENDING --Submit: spare reserved (the identity's own, or the pool's; or Allocate gives one)--> running inline
 *   running inline --CompleteInline--> QUICK            (no completion is ever posted)
 *   running inline --WouldBlock------> EAGAIN (NONBLOCK) or IN_PROGRESS (a state machine runs on)
 *   running inline --HookFire--------> IN_PROGRESS      (the caller's thread is a worker now)
 *   IN_PROGRESS --WorkerFinish or MachineComplete: its one completion posted--> Reap --> delivered
 * </pre>
 * Every path ends in the handler running once on the loop. Each step is failure atomic: a step
 * whose own code fails (an {@code Error}, a trace sink that throws) is undone or completed, and the
 * failure is reported (see {@link Inject}).
 */
final class CallSteps {

    private CallSteps() {}

    /** The handler of a call submitted for a future: the future (the call's own) completes when it has run. */
    private static final CompletionHandler<Object> NO_HANDLER = x -> { };

    /** Whether the current thread is running a call's code (on the loop before a block, on a worker after). */
    static boolean inCallBody() {
        KThread k = KThread.current();
        return k != null && k.inBody;
    }

    /**
     * How a call reaches its loop from any thread, for a future: queued at once on the loop,
     * else by a task. Either way the loop runs it through {@link #run} as any other; the future
     * completes when its (empty) handler has run. A call whose task finds its identity closed
     * gets a {@link java.util.concurrent.RejectedExecutionException}, its one outcome.
     */
    @SuppressWarnings("unchecked")
    static <T> java.util.concurrent.CompletableFuture<T> submitForFuture(Identity u, int flags, Call<T> call, StageCall<T> stage) {
        CallFlags.check(flags);
        CompletionHandler<T> none = (CompletionHandler<T>) (CompletionHandler<?>) NO_HANDLER;
        if (u.isCarrier(Thread.currentThread())) {
            if (u.refusesCalls()) throw closed(u);
            return u.queue(flags, call, stage, none).future();
        }
        RuntimeFuture<T> f = new RuntimeFuture<>("the future of a call on identity " + u.name(), null);
        u.execute(() -> {
            if (u.refusesCalls()) {
                f.failByRuntime(closed(u));
                return;
            }
            try {
                u.queue(flags, call, stage, none).attach(f);
            } catch (Throwable t) {   // out of memory making the record: the call's one outcome
                f.failByRuntime(t);
            }
        });
        return f;
    }

    private static java.util.concurrent.RejectedExecutionException closed(Identity u) {
        return new java.util.concurrent.RejectedExecutionException("identity " + u.name() + " is closed: it takes no new calls");
    }

    /** Submit found the pool empty: the call goes to the allocator. */
    private static final KThread TO_ALLOCATOR = null;

    /**
     * Runs x on {@code me}, which carries u: Submit, the call's body inline, then submit's single
     * return path. Returns false when {@code me} finished the call as a kernel-only worker (the
     * hook had fired): the identity is carried by another thread now, and {@code me} must leave
     * the loop.
     */
    static <T> boolean run(Identity u, KThread me, CallRecord<T> x) {
        KThread s;
        try {
            s = Tracer.step(u.tracer, CallSteps::submit, u, me, x, null);
        } catch (Throwable t) {
            submitFailed(u, me, x, t);
            return true;
        }
        if (x.eagain() || (s == TO_ALLOCATOR && (s = allocate(u, me, x)) == null)) {
            eagain(u, me, x, null);
            return true;
        }
        if (me.spare != s) me.spare = s;     // the hook is set (a store only when the spare changed)
        me.hookSet = true;
        me.wouldBlockSignalled = false;
        me.blockDepth = 0;

        // The call's body, on this stack.
        T value = null;
        Throwable error = null;
        CompletionStage<T> stage = null;
        me.inBody = true;
        try {
            if (x.stageCall == null) value = body(u, x).run();
            else stage = start(x.stageCall);
        } catch (Throwable t) {
            if (!(t instanceof WouldBlockError)) error = t;   // NONBLOCK's signal: handled below from me.wouldBlockSignalled
        }
        // (No finally: the catch takes every throwable. One copy of these, not one per path.)
        me.inBody = false;
        // A call's interrupt (and context class loader) is its own: it must not reach the next
        // call, task or handler this thread runs (as ThreadPoolExecutor clears it between tasks).
        me.resetThreadState();

        // Submit's return path: the hook check tells the original caller from a worker.
        if (me.hookSet || Fault.NO_HOOK_CHECK) {
            boolean running = stage != null && !stage.toCompletableFuture().isDone();
            if (me.wouldBlockSignalled || (running && x.nonblock())) wouldBlock(u, me, x, null);
            else if (running) wouldBlock(u, me, x, stage);
            else completeInline(u, me, x, stage, value, error);
            return true;
        }
        workerFinish(u, me, x, stage, value, error);
        return false;
    }

    /** A call's code: its record's, or, for the loop's record, its slot's. */
    @SuppressWarnings("unchecked")
    private static <T> Call<T> body(Identity u, CallRecord<T> x) {
        Call<T> c = x.call;
        return c != null ? c : (Call<T>) u.submissions.call(x);
    }

    /** A state-machine call's start: its stage. */
    private static <T> CompletionStage<T> start(StageCall<T> call) throws Exception {
        return Objects.requireNonNull(call.start(), "a StageCall returned null instead of a stage");
    }

    /** Submit undid itself (the call not accepted, any spare back where it was): the call fails
     *  with {@code t}, as EAGAIN, which says it did not run. */
    private static void submitFailed(Identity u, KThread me, CallRecord<?> x, Throwable t) {
        if (x.outcome() == Outcome.PENDING) x.decide(Outcome.EAGAIN, EagainReason.RUNTIME_ERROR);
        u.runtime.reporter.stepFailed("Submit", "call " + x.id + " gets EAGAIN (RUNTIME_ERROR) with the error", t);
        eagain(u, me, x, x.eagainReason() == EagainReason.RUNTIME_ERROR ? t : null);
    }

    /** x ends with EAGAIN without having run: its handler runs now. */
    private static void eagain(Identity u, KThread me, CallRecord<?> x, Throwable error) {
        u.runtime.counters.eagain.increment();
        x.finish(null, error);
        deliver(u, me, x);
    }

    /**
     * The Submit step: over the limit, EAGAIN at once (SubmitOverLimit); else reserve the spare
     * the identity kept from its last call (SubmitUsesHeld: plain field writes, no pool touched),
     * or take one from this lane's pool (SubmitReserves); neither: ATOMIC gets EAGAIN at once
     * (SubmitAtomicNoSpare), others enter the call and go to the allocator (SubmitToAllocator:
     * returns {@link #TO_ALLOCATOR}). A failure undoes it. (The event and the undoing are
     * methods of their own, out of the fast path's code, which the JIT then inlines whole.)
     */
    private static KThread submit(Identity u, KThread me, CallRecord<?> x, Object unused, Tracer tr) {
        if (u.inFlight >= u.inFlightLimit) {
            x.decide(Outcome.EAGAIN, EagainReason.LIMIT);
            if (tr != null) submitted(tr, u, me, x, null, EagainReason.LIMIT);
            return null;
        }
        boolean kept = u.holding;
        KThread s = kept ? u.held : null;
        if (kept) u.holding = false;
        else s = u.lane.take();
        if (s == null && x.atomic()) {
            x.decide(Outcome.EAGAIN, EagainReason.NO_SPARE);
            if (tr != null) submitted(tr, u, me, x, null, EagainReason.NO_SPARE);
            return null;
        }
        u.inFlight++;
        me.state(KThread.IN_CALL);
        if (me.current != x) me.current = x;   // the loop's reused record: no store (see KThread.current)
        if (s != null) {
            s.state(KThread.RESERVED);
            if (!kept && u.lane.hot(u.runtime.hotSpareNanos)) s.warm();   // the hot spare (off the kept path)
        }
        try {
            Inject.at(Inject.Point.Submit);
            if (tr != null) submitted(tr, u, me, x, s, null);
        } catch (Throwable t) {
            undoSubmit(u, me, s, kept);
            throw t;
        }
        return s;
    }

    /** Submit's event: the call entered with spare {@code s} (or none: to the allocator), or got
     *  EAGAIN for {@code reason}. */
    private static void submitted(Tracer tr, Identity u, KThread me, CallRecord<?> x, KThread s, EagainReason reason) {
        tr.emit(TraceAction.Submit, me.id, u.id, x.id, u.lane.id, CallFlags.names(x.flags), s == null ? null : s.id,
                reason == null ? null : "EAGAIN", reason == null ? null : reason.name());
    }

    /** Submit undone: as before the step (the spare kept by the identity again, or back in its pool). */
    private static void undoSubmit(Identity u, KThread me, KThread s, boolean kept) {
        u.inFlight--;
        me.state(KThread.State.USER);
        me.current = null;
        if (kept) keep(u, s);
        else if (s != null) u.runtime.threads.release(s);
    }

    /** What an attempt of Allocate returns when it found nothing and the allocator waits on. */
    private static final KThread WAIT = new KThread(0, null, null, KThread.State.EXITED);

    /**
     * The Allocate step: a new thread from the supply becomes the spare (AllocateGives), the
     * supply is exhausted (AllocateExhausted: EAGAIN), or starting one fails (AllocateFails). The
     * supply's state and the event change together. With {@link RuntimeBuilder#spareWait} the
     * allocator sleeps while the supply is exhausted, at most that long, and takes a spare that
     * comes back to the lane's pool meanwhile (AllocateFromPool) or a thread slot that frees: each
     * attempt is a step of its own, and only the one that decides has an event. The loop waits
     * here, as the design's allocator "may sleep"; ATOMIC calls never come here.
     */
    private static KThread allocate(Identity u, KThread me, CallRecord<?> x) {
        AsysRuntime rt = u.runtime;
        if (rt.spareWaitNanos == 0) return Tracer.step(rt.tracer, CallSteps::allocate, u, me, x, AT_ONCE);
        long deadline = System.nanoTime() + rt.spareWaitNanos, pause = 10_000;
        while (true) {
            long left = deadline - System.nanoTime();
            Integer attempt = left <= 0 || rt.threads.closing() ? LAST : WAITING;
            KThread s = Tracer.step(rt.tracer, CallSteps::allocate, u, me, x, attempt);
            if (s != WAIT) return s;
            LockSupport.parkNanos(Math.min(pause, left));   // a new look soon, then less often
            pause = Math.min(2 * pause, 1_000_000);
        }
    }

    /** Allocate's attempts: with no wait; while waiting (nothing found: {@link #WAIT}); the last. */
    private static final Integer AT_ONCE = 0, WAITING = 1, LAST = 2;

    private static KThread allocate(Identity u, KThread me, CallRecord<?> x, Integer attempt, Tracer tr) {
        if (attempt != AT_ONCE) {
            KThread s = u.lane.take();                     // a spare came back while the allocator slept
            if (s != null) {
                s.state(KThread.State.RESERVED);
                try {
                    if (tr != null) tr.emit(TraceAction.Allocate, me.id, x.id, s.id, null, null, true);
                } catch (Throwable t) {
                    u.runtime.reporter.stepFailed("Allocate", "call " + x.id + " has spare " + s.id + " all the same", t);
                }
                return s;
            }
            if (attempt == WAITING && !u.runtime.threads.slotFree()) return WAIT;   // nothing changed: no step yet
        }
        ThreadSupply.Allocation a;
        try {
            a = u.runtime.threads.allocateSpare(u.lane);   // a failed start is undone there
        } catch (Throwable t) {
            u.runtime.reporter.stepFailed("Allocate", "call " + x.id + " gets EAGAIN (NO_SPARE)", t);
            a = new ThreadSupply.Allocation(null, false);
        }
        KThread fresh = a.spare();
        if (fresh == null && !a.exhausted()) return allocateFails(u, me, x, tr);
        if (fresh == null) {
            noSpare(u, me, x);
            if (tr != null) tr.emit(TraceAction.Allocate, me.id, x.id, null, "EAGAIN", "NO_SPARE", null);
            return null;
        }
        try {
            if (tr != null) tr.emit(TraceAction.Allocate, me.id, x.id, fresh.id, null, null, null);
        } catch (Throwable t) {
            u.runtime.reporter.stepFailed("Allocate", "call " + x.id + " has spare " + fresh.id + " all the same", t);
        }
        return fresh;
    }

    /** AllocateFails: starting a thread failed with the supply not exhausted; the call gets EAGAIN. */
    private static KThread allocateFails(Identity u, KThread me, CallRecord<?> x, Tracer tr) {
        noSpare(u, me, x);
        if (tr != null) tr.emit(TraceAction.AllocateFails, me.id, x.id, "EAGAIN", "NO_SPARE");
        return null;
    }

    /** The call leaves Submit with EAGAIN (NO_SPARE): as before it entered. */
    private static void noSpare(Identity u, KThread me, CallRecord<?> x) {
        x.decide(Outcome.EAGAIN, EagainReason.NO_SPARE);
        u.inFlight--;
        me.state(KThread.State.USER);
        me.current = null;
    }

    /** CompleteInline: the call returned on its caller's stack: QUICK, its handler runs now, and no
     *  completion is ever posted. A state machine already done counts: its result is the call's. */
    private static <T> void completeInline(Identity u, KThread me, CallRecord<T> x, CompletionStage<T> stage, T value, Throwable error) {
        if (stage != null) {
            try {
                value = stage.toCompletableFuture().join();
            } catch (Throwable t) {
                error = unwrap(t);
            }
        }
        leaveCall(u, me, x, null);   // the step's event first, then its effect on x
        if (x.handler == null && !Fault.QUICK_POSTS) {   // the execute form: no handle to record the outcome for
            u.countQuick();
            u.inFlight--;
            runHandler(u, me, x, null, Outcome.QUICK, value, error);   // Deliver, nothing recorded (see CallRecord)
            return;
        }
        if (Fault.QUICK_POSTS) {
            u.completions.callWentAsync();
            u.completions.machineComplete(x);
        }
        x.decide(Outcome.QUICK, null);
        u.countQuick();
        boolean handle = x.handler != null;
        x.finish(handle ? value : null, error);   // the execute form's value goes to its handler alone (no store)
        u.inFlight--;
        deliver(u, me, x, Outcome.QUICK, value, error);
    }

    /** WouldBlock: NONBLOCK would block (EAGAIN, {@code running} null), or a state machine runs
     *  on (IN_PROGRESS: MachineComplete posts its completion when it is done). */
    private static <T> void wouldBlock(Identity u, KThread me, CallRecord<T> x, CompletionStage<T> running) {
        if (running == null) {
            leaveCall(u, me, x, Outcome.EAGAIN);
            x.decide(Outcome.EAGAIN, EagainReason.WOULD_BLOCK);
            u.runtime.counters.eagain.increment();
            x.finish(null, null);
            u.inFlight--;
            deliver(u, me, x);
        } else {
            leaveCall(u, me, x, Outcome.IN_PROGRESS);
            x.decide(Outcome.IN_PROGRESS, null);
            u.completions.callWentAsync();
            u.runtime.counters.inProgress.increment();
            running.whenComplete((v, e) -> machineComplete(x, v, unwrap(e)));
        }
    }

    /** MachineComplete: the state machine of x is done; its completion is posted. */
    static <T> void machineComplete(CallRecord<T> x, T value, Throwable error) {
        x.finish(value, error);
        x.identity.completions.machineComplete(x);
    }

    /** WorkerFinish: the hook fired, so {@code me} is a kernel-only worker now; it posts x's
     *  completion and goes back to its pool in the same step. */
    private static <T> void workerFinish(Identity u, KThread me, CallRecord<T> x, CompletionStage<T> stage, T value, Throwable error) {
        if (stage != null) {
            Blocking.StageResult<T> done = Blocking.awaitStage(stage);
            value = done.value();
            error = done.error();
        }
        x.finish(value, error);
        me.current = null;
        JfrEvents.BlockedCallEvent life = me.blockedCall;
        me.blockedCall = null;
        u.completions.workerFinish(x, me);
        JfrEvents.blockedCallEnds(life, error);
    }

    /**
     * CompleteInline's (outcome null) or WouldBlock's part of the step shared by both: the caller
     * leaves its call on its own stack. Clear the hook; the identity keeps the spare for its next
     * call (the spec's Held), out of every pool, until its loop goes idle
     * ({@link IdentityLoop#spareRelease}); both in one step with the event. A failure completes
     * the step.
     */
    private static void leaveCall(Identity u, KThread me, CallRecord<?> x, Outcome outcome) {
        KThread s = me.spare;
        if (!(Fault.HOOK_KEPT_ON_FAST_PATH && outcome == null)) me.hookSet = false;   // the hook is cleared
        me.state(KThread.USER);   // current is left as it is: meaningful only in a call's body
        Throwable failed;
        try {
            Inject.at(outcome == null ? Inject.Point.CompleteInline : Inject.Point.WouldBlock);
            failed = Tracer.step(u.tracer, CallSteps::keepSpare, u, me, x, outcome);
        } catch (Throwable t) {
            if (s != null) keep(u, s);   // the step did not run: completed here
            failed = t;
        }
        if (failed != null) leaveCallFailed(u, x, outcome, failed);
    }

    private static void leaveCallFailed(Identity u, CallRecord<?> x, Outcome outcome, Throwable failed) {
        u.runtime.reporter.stepFailed(outcome == null ? "CompleteInline" : "WouldBlock",
                "call " + x.id + " ends on its caller's stack all the same", failed);
    }

    /** The identity keeps {@code s} between its calls (carrier only: no other thread reads it). */
    private static void keep(Identity u, KThread s) {
        s.state(KThread.HELD);
        if (u.held != s) u.held = s;   // the same spare, call after call: no store
        u.holding = true;
        if (Fault.HELD_SPARE_SHARED) s.lane.give(s);   // (Fault: left in the pool as well)
    }

    /** The identity keeps the spare ({@code me}'s hook's), then the event. Returns what writing
     *  the event threw (the step completed all the same), or null. */
    private static Throwable keepSpare(Identity u, KThread me, CallRecord<?> x, Outcome outcome, Tracer tr) {
        KThread s = me.spare;
        if (s != null) keep(u, s);
        return tr == null ? null : leftCall(tr, me, s, x, outcome);
    }

    /** CompleteInline's or WouldBlock's event. */
    private static Throwable leftCall(Tracer tr, KThread me, KThread s, CallRecord<?> x, Outcome outcome) {
        try {
            tr.emit(outcome == null ? TraceAction.CompleteInline : TraceAction.WouldBlock, me.id, x.id,
                    s == null ? null : s.id, outcome == null ? null : outcome.name(), me.hookSet);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Deliver: x's handler runs once, on its loop; what it throws goes to the uncaught-error handler. */
    static <T> void deliver(Identity u, KThread me, CallRecord<T> x) {
        deliver(u, me, x, x.outcome(), x.value(), x.error());
    }

    /** Deliver with the call's outcome, value and error as the caller has them (CompleteInline
     *  knows them; a QUICK call of the execute form keeps its value out of its record). */
    private static <T> void deliver(Identity u, KThread me, CallRecord<T> x, Outcome outcome, T value, Throwable error) {
        if (x.handlerRan) throw handlerTwice(x);
        x.handlerRan = true;
        try {
            runHandler(u, me, x, x.handler, outcome, value, error);
        } finally {
            x.delivered();
        }
    }

    /**
     * Deliver's own part: x's handler runs, on its loop; what it throws goes to the uncaught-error
     * handler. Called by {@link #deliver}, which records that it ran, and for a QUICK call of the
     * execute form by CompleteInline directly, which records nothing: no handle or future of such
     * a call exists to read it (see {@link CallRecord}), and that path runs once per call. The
     * handle forms' handler {@code h}, or null for the execute form's (its slot's, or its own).
     */
    private static <T> void runHandler(Identity u, KThread me, CallRecord<T> x, CompletionHandler<T> h, Outcome outcome, T value, Throwable error) {
        try {
            try {
                Inject.at(Inject.Point.Deliver);
                u.checkOwner(me);
            } catch (Throwable t) {
                deliverFailed(u, x, t);
            }
            if (h == null) deliverOutcome(x, outcomeHandler(u, x), outcome, value, error);
            else h.onResult(x);
        } catch (Throwable t) {
            handlerThrew(u, x, t);
        } finally {
            me.resetThreadState();
        }
    }

    // Deliver's rare paths, out of line (see submit).

    private static IllegalStateException handlerTwice(CallRecord<?> x) {
        return new IllegalStateException("handler of call " + x.id + " would run twice");
    }

    private static void deliverFailed(Identity u, CallRecord<?> x, Throwable t) {
        u.runtime.reporter.stepFailed("Deliver", "call " + x.id + "'s handler runs all the same", t);
    }

    private static void handlerThrew(Identity u, CallRecord<?> x, Throwable t) {
        u.runtime.reporter.uncaught("handler of call " + x.id + " on identity " + u.name() + " threw", t);
    }

    /** The execute form's handler: its record's, or, for the loop's record, its slot's. */
    @SuppressWarnings("unchecked")
    private static <T> OutcomeHandler<? super T> outcomeHandler(Identity u, CallRecord<T> x) {
        OutcomeHandler<? super T> h = x.outcomeHandler;
        return h != null ? h : (OutcomeHandler<? super T>) u.submissions.handler(x);
    }

    /** The execute form's handler: the outcome, value and error themselves (EAGAIN as a
     *  {@link CallRejectedException}, as a future has it). */
    private static <T> void deliverOutcome(CallRecord<T> x, OutcomeHandler<? super T> h, Outcome o, T value, Throwable error) {
        if (o == Outcome.EAGAIN) rejected(x, h);
        else h.onOutcome(o, value, error);
    }

    private static <T> void rejected(CallRecord<T> x, OutcomeHandler<? super T> h) {
        h.onOutcome(Outcome.EAGAIN, null, new CallRejectedException(x.id, x.eagainReason(), x.error()));
    }

    static Throwable unwrap(Throwable e) {
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
