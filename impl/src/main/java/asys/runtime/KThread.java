package asys.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread owned by the runtime: the spec's {@code KThread}.
 *
 * <p>Its life, the states of spec/Asys.tla (each a {@link State}):
 * <pre>
 *   POOLED ---take (Submit)---> RESERVED ---kept by the identity (CompleteInline, WouldBlock)---> HELD
 *                                   |     <---its next call (Submit)------------------------------ HELD
 *                                   +---HookFire: assigned an identity---> RETURNING
 *   HELD ---SpareRelease (the identity's loop goes idle)---> POOLED (or EXITED when the pool is full)
 *   (new: preallocated at build) ----------------------------------------> POOLED
 *   (new: Allocate) -----------------------------------------------------> RESERVED (a spare)
 *   (new: an identity's first carrier) ---------------------------------> USER
 *   RETURNING ---ReturnToUser---> USER                 runs the identity's loop
 *   USER ---Submit (spare reserved, hook set)---> IN_CALL ---CompleteInline / WouldBlock---> USER
 *   USER ---Await---> AWAITING ---post or new task---> USER
 *   IN_CALL ---HookFire (the call blocks)---> WORKER ---WorkerFinish---> POOLED (or EXITED)
 *   WORKER ---WorkerBlock / WorkerWake---> WORKER      no hook fires: it is clear
 *   POOLED ---PoolExit (the runtime is closing)---> EXITED
 *   POOLED ---KeepAliveExit (idle past the keep-alive, its pool above its floor)---> EXITED
 *   USER ---IdentityEnd (its loop ended)---> POOLED (or EXITED)
 * </pre>
 *
 * <p>The hook is {@link #spare}: non-null means set, and it is the spare reserved for this
 * thread's current call. Only this thread reads or writes {@code spare}, {@code carrying} and
 * {@code current}: the hook needs no synchronisation. A parked thread (POOLED, RESERVED or HELD) waits
 * for an {@link Assignment}, written by the thread that hands it work (a volatile write, then
 * unpark), which is the happens-before edge that hands an identity from one thread to another.
 * A HookFire's assignment is {@link Assignment#HANDOFF}, its identity and call in the spare's own
 * fields ({@link #handOff}).
 */
final class KThread implements Runnable {

    /** The spec's thread states (Unallocated is "no KThread object", EXITED after it ran). */
    enum State { POOLED, RESERVED, HELD, USER, IN_CALL, RETURNING, WORKER, AWAITING, EXITED }

    /** Work handed to a parked thread: carry {@code identity}, from its loop's start; or one of
     *  the assignments below, which name no identity. */
    record Assignment(Identity identity) {
        static final Assignment EXIT = new Assignment(null);
        /** Not work: the hot spare's wake-up (see {@link #warm}); the thread spins for its work. */
        static final Assignment SPIN = new Assignment(null);
        /** HookFire's: carry {@link #handedIdentity} on, returning IN_PROGRESS for
         *  {@link #handedCall} (see {@link #handOff}). */
        static final Assignment HANDOFF = new Assignment(null);
    }

    private static final ThreadLocal<KThread> CURRENT = new ThreadLocal<>();

    final int id;
    final Lane lane;
    final AsysRuntime runtime;
    Thread thread;                 // set once, before start

    /** The spec's state of this thread, as the ordinal of a {@link State}. A plain byte, not a
     *  volatile enum reference: the fast path writes it several times per call, and a volatile
     *  write costs a fence, as does G1's barrier on storing a reference into a long-lived object.
     *  Every handoff of a thread to another is ordered by a happens-before edge of its own (a
     *  pool slot's CAS, the assignment's volatile write), so a thread reading another's state
     *  after such an edge sees it; other reads (the Layout event, diagnostics) are snapshots. */
    private byte state;
    private static final State[] STATES = State.values();

    State state() { return STATES[state]; }

    void state(State s) { state = (byte) s.ordinal(); }

    /** The same with the state's ordinal, for the fast path's four writes per call: a constant
     *  to the JIT ({@link #IN_CALL} and the others below), where {@code s.ordinal()} is a load
     *  from the enum constant (the JIT does not trust {@code Enum}'s final field). */
    void state(byte ordinal) { state = ordinal; }

    /** The ordinals of the states the fast path writes ({@link #state(byte)}). */
    static final byte IN_CALL = (byte) State.IN_CALL.ordinal(), USER = (byte) State.USER.ordinal(),
            RESERVED = (byte) State.RESERVED.ordinal(), HELD = (byte) State.HELD.ordinal();
    private volatile Assignment assignment;
    /** The identity and the call a HookFire hands this spare ({@link Assignment#HANDOFF}): its
     *  own fields, beside {@link #assignment}, written before it and read after it, so that the
     *  spare reads its work from the cache line it spins on and no object of the blocked
     *  thread's (a cache line that core wrote last) lies on the handoff's path. Cleared once read. */
    Identity handedIdentity;
    CallRecord<?> handedCall;
    /** This thread is about to park or parked in {@link #awaitAssignment}: an assigner must unpark
     *  it. Cleared by whichever takes it first (a getAndSet), so that only a parking thread is
     *  unparked: a thread handed work while it spins keeps no permit, which would make the call's
     *  own first {@code LockSupport.park} return at once. */
    private volatile boolean parking;
    private static final java.lang.invoke.VarHandle PARKING, START, ASSIGNMENT, STATE;
    static {
        try {
            java.lang.invoke.MethodHandles.Lookup l = java.lang.invoke.MethodHandles.lookup();
            PARKING = l.findVarHandle(KThread.class, "parking", boolean.class);
            ASSIGNMENT = l.findVarHandle(KThread.class, "assignment", Assignment.class);
            STATE = l.findVarHandle(KThread.class, "state", byte.class);
            START = l.findVarHandle(KThread.class, "start", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
    /** Whether the thread has entered the runtime's code: {@link #NEW} until it does
     *  ({@link #ENTERED}) or its starter gives up on it ({@link #ABANDONED}); one CAS decides. */
    private volatile int start;
    private static final int NEW = 0, ENTERED = 1, ABANDONED = 2;
    /** Counted down when the thread has entered: its starter waits on it (a latch, whose own
     *  queue wakes only a thread that waits, so that no permit is left on the starter). */
    private final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    /** The context class loader the thread had when it entered: restored after each call. */
    private ClassLoader contextLoader;
    private final java.util.concurrent.atomic.AtomicBoolean retired = new java.util.concurrent.atomic.AtomicBoolean();
    /** Set by WorkerFinish when it put this thread back in its pool in the same step. */
    boolean parkedAtFinish;
    /** How often this thread has been taken from its pool: counted by the taker (the one thread
     *  that holds it then), read by the thread itself as it waits, to start its keep-alive again
     *  when it was put to work in the meantime. A plain field: a stale read only delays an exit. */
    int uses;

    // Owned by this thread alone.
    /** The hook: set while the call on this stack has a spare reserved, {@link #spare}. A flag
     *  beside the reference, so that setting and clearing the hook (twice per call) stores no
     *  reference, which G1 would charge a barrier for; {@code spare} is meaningful only while it
     *  is set (it keeps the last spare otherwise). */
    boolean hookSet;
    /** The spare reserved for the call on this stack while {@link #hookSet}. */
    KThread spare;
    /** The identity this thread carries (USER, IN_CALL, AWAITING), else null. */
    Identity carrying;
    /** The call running on this stack: meaningful while it runs (IN_CALL, or {@link #inBody}
     *  as a WORKER); a carrier leaves its last call here once it has returned, so that the next
     *  call in the loop's reused record costs no reference store (G1 charges a barrier for one). */
    CallRecord<?> current;
    /** The JFR event of the call this worker finishes, begun at its HookFire; null unless recorded. */
    JfrEvents.BlockedCallEvent blockedCall;
    /** The running call saw NONBLOCK's would-block signal; its return path must say EAGAIN. */
    boolean wouldBlockSignalled;

    KThread(int id, Lane lane, AsysRuntime runtime, State initial) {
        this.id = id;
        this.lane = lane;
        this.runtime = runtime;
        state(initial);
        this.jdkHook = runtime != null && runtime.automaticHook ? new AutomaticHook.PerThread(this) : null;
    }

    /** Marks the exit decided; true the first time only. */
    boolean retire() { return retired.compareAndSet(false, true); }

    boolean retired() { return retired.get(); }

    /** The runtime thread running this code, or null on any other thread. */
    static KThread current() { return CURRENT.get(); }

    /**
     * Waits (from the starting thread) until this thread has entered the runtime's code, for at
     * most {@code timeoutNanos}. Returns null once it has; else what went wrong, and the thread is
     * abandoned: should it enter later, it leaves at once.
     */
    String awaitEntered(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        String failed = null;
        while (start == NEW) {
            long left = deadline - System.nanoTime();
            if (!thread.isAlive() || left <= 0) {
                if (START.compareAndSet(this, NEW, ABANDONED)) {
                    failed = !thread.isAlive() ? "ended without running the runtime's task"
                            : "did not run the runtime's task within " + java.time.Duration.ofNanos(timeoutNanos);
                }
                break;
            }
            try {
                entered.await(Math.min(left, 1_000_000L), java.util.concurrent.TimeUnit.NANOSECONDS);  // a death does not count it down
            } catch (InterruptedException e) {
                interrupted = true;   // the start is not the starter's to give up: waited for all the same
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        return failed;
    }

    @Override
    public void run() {
        Inject.at(Inject.Point.Start);   // a test build's stand-in for a thread that dies before it gets here
        if (!START.compareAndSet(this, NEW, ENTERED)) return;   // its starter gave up on it: not counted, no slot
        entered.countDown();
        CURRENT.set(this);
        contextLoader = Thread.currentThread().getContextClassLoader();
        if (jdkHook != null) AutomaticHook.HOOKS.set(jdkHook);
        try {
            while (carryNext()) { }
        } catch (Throwable t) {
            runtime.reporter.uncaught("runtime thread " + id + " failed", t);
        } finally {
            state(State.EXITED);
            runtime.threads.threadExited(this);
        }
    }

    /**
     * Waits for the next piece of work and carries it out: false when this thread is done (told
     * to exit, or it could not go back to its pool). A method of its own, called once per piece
     * of work, so that the JIT compiles it early: {@link #run}'s loop goes round once per piece of
     * work, too seldom for the JIT to compile it, and a handoff would otherwise go through the
     * interpreter between the spare's seeing its assignment and its loop's first step.
     */
    private boolean carryNext() {
        Assignment a = awaitAssignment();
        if (a == Assignment.EXIT) return false;
        Identity u = a.identity();
        if (a == Assignment.HANDOFF) {
            u = handedIdentity;
            CallRecord<?> x = handedCall;
            handedIdentity = null;   // (nothing of a finished loop or call stays reachable from a pooled thread)
            handedCall = null;
            returnToUser(u, x);
        }
        state(State.USER);
        carrying = u;
        u.runLoop(this);
        carrying = null;
        // Either this thread finished its call as a worker, and WorkerFinish already put it
        // back in its pool or decided it exits; or the loop it carried ended, and
        // IdentityEnd did the same.
        if (parkedAtFinish) {
            parkedAtFinish = false;
            return true;
        }
        if (retired()) return false;
        return runtime.threads.parkOrRetire(this);   // the loop ended by a failure: pooled now
    }

    /** ReturnToUser: the spare that took over at HookFire reaches user space with IN_PROGRESS.
     *  Its event failing is reported and the step completes: the thread carries the identity on. */
    private void returnToUser(Identity u, CallRecord<?> x) {
        try {
            Inject.at(Inject.Point.ReturnToUser);
            if (runtime.tracer != null) runtime.tracer.emit(TraceAction.ReturnToUser, id, u.id, x.id);
        } catch (Throwable t) {
            runtime.reporter.stepFailed("ReturnToUser", "thread " + id + " carries identity " + u.id + " on", t);
        }
    }

    Assignment awaitAssignment() {
        Assignment a;
        // Spin before parking: a thread that has just come back to its pool is the first a Submit
        // takes (the pool is last in, first out), and waking a parked thread costs far more than
        // a hook may wait (tens of microseconds on a virtual machine). Spin on while hot (see
        // hot()); after a park, only once woken to (SPIN), since only then is the flag cleared.
        long spinUntil = runtime.spinNanos > 0 ? System.nanoTime() + runtime.spinNanos : 0;
        boolean spin = true;
        if (state == POOLED_ORDINAL && runtime.hotSpareNanos > 0) {   // the top of the pool, unless a spare waits for a handoff
            KThread h = lane.hotSpare;
            if (h == null || !h.waitsForHandoff()) lane.hotSpare = this;
        }
        // The keep-alive: a thread that waits this long without being taken from its pool tries
        // KeepAliveExit. Not at all when no pool can go above its floor.
        long keepAlive = runtime.keepAliveNanos;
        long deadline = keepAlive > 0 ? System.nanoTime() + keepAlive : 0;
        int usesBefore = uses;
        while (true) {
            if (spin) {
                while ((a = assignment) == null && spinUntil != 0 && System.nanoTime() < spinUntil) Thread.onSpinWait();
                // The hot spare spins a few microseconds at a time and yields in between: it keeps
                // a core only while nothing else wants it, so that on a busy machine the threads
                // with work (workers, callers) come first.
                while (a == null && (a = assignment) == null && hot()) {
                    for (int i = 0; i < HOT_SPINS && (a = assignment) == null; i++) Thread.onSpinWait();
                    if (a == null) Thread.yield();
                }
            }
            if ((a = assignment) == null) {
                PARKING.setVolatile(this, true);          // from here an assigner unparks this thread
                if ((a = assignment) == null) {
                    spin = false;
                    if (deadline == 0) {
                        LockSupport.park(this);
                        continue;
                    }
                    long now = System.nanoTime();
                    if (now - deadline < 0) {
                        LockSupport.parkNanos(this, deadline - now);
                    } else if (uses != usesBefore) {           // put to work meanwhile: not idle that long
                        usesBefore = uses;
                        deadline = now + keepAlive;
                    } else if (runtime.threads.keepAliveExit(this)) {
                        // Out of its pool, so no assigner holds it: nobody will unpark it.
                        PARKING.setVolatile(this, false);
                        return Assignment.EXIT;
                    } else {
                        deadline = now + keepAlive;            // its pool at its floor, or it was just taken
                    }
                    continue;
                }
                // Assigned in between: if that assigner saw the flag, its unpark is on its way;
                // take it here, so that it is not left for the work's own first park.
                if (!(boolean) PARKING.getAndSet(this, false)) LockSupport.park(this);
            }
            if (a != Assignment.SPIN) break;
            // Woken to spin (the flag is clear: whoever woke it cleared it): hot from here on,
            // unless real work has replaced the wake-up already (read on the next round).
            if (ASSIGNMENT.compareAndSet(this, Assignment.SPIN, null)) {
                spin = true;
                spinUntil = 0;
            }
        }
        assignment = null;
        resetThreadState();   // an interrupt of its idle time, or of its last work, is not the new work's
        return a;
    }

    /**
     * The hot spare: this thread spins while its lane is hot ({@link Lane#hot}: it hands over
     * often, within {@link AsysRuntime#hotSpareNanos}) and it is its lane's {@link Lane#hotSpare}: the spare an
     * identity's next call reserved or kept (RESERVED or HELD), else the one last back in the
     * pool, which the next take finds. So the next HookFire finds its spare spinning, and at most
     * one thread per lane spins. Read as it spins, from the lane's volatiles.
     */
    private boolean hot() {
        return lane.hotSpare == this && lane.hot(runtime.hotSpareNanos);
    }

    /** Reserved or kept for an identity's next call: the next HookFire may hand over to it. */
    private boolean waitsForHandoff() {
        byte s = (byte) STATE.getOpaque(this);
        return s == RESERVED || s == HELD;
    }

    /** The hot spare's spins between two yields, a few microseconds of {@code onSpinWait}: long
     *  enough that a handoff usually finds it spinning rather than in a yield, short enough that
     *  a thread with work waits for the core no longer than that. */
    private static final int HOT_SPINS = 128;

    private static final byte POOLED_ORDINAL = (byte) State.POOLED.ordinal();

    /**
     * Wakes this spare, just reserved on a hot lane, to spin for its work (the hot spare): the
     * wake-up a parked spare would need at HookFire is paid now, off the handoff's path. A no-op
     * when work is there already; the unpark only when it parks (as {@link #assign}).
     */
    void warm() {
        lane.hotSpare = this;
        if (ASSIGNMENT.compareAndSet(this, null, Assignment.SPIN) && (boolean) PARKING.getAndSet(this, false)) {
            if (!Fault.HOT_SPARE_LOSES_WAKEUP) LockSupport.unpark(thread);   // (Fault: the flag taken, no unpark)
        }
    }

    /** The per-thread state the runtime owns, as the thread entered: no interrupt, its own context
     *  class loader. Reset after each call's code and whenever the thread is handed work. */
    void resetThreadState() {
        Thread.interrupted();
        Thread t = thread;
        if (t != null && t.getContextClassLoader() != contextLoader) t.setContextClassLoader(contextLoader);
    }

    /** Hands work to this parked thread (from another thread). The write comes before the unpark:
     *  the other order can wake the thread before there is work, and it parks again for good.
     *  A thread still spinning is not unparked (see {@link #parking}), and its flag is read before
     *  it is taken: a spinning spare reads its assignment from this object's cache line, which
     *  a write after the assignment would take from it again. Nothing here allocates. */
    void assign(Assignment a) {
        assignment = a;
        if (parking && (boolean) PARKING.getAndSet(this, false)) LockSupport.unpark(thread);
    }

    /** HookFire's assignment to this spare: carry {@code u} on, returning IN_PROGRESS for
     *  {@code x}. Plain writes into this thread's own fields, published by the assignment's
     *  volatile write; nothing allocates. */
    void handOff(Identity u, CallRecord<?> x) {
        handedIdentity = u;
        handedCall = x;
        assign(Assignment.HANDOFF);
    }


    /** The call's own code runs on this stack (between Submit and its return): only then is a
     *  block a blocking point of the call. Own thread only. */
    boolean inBody;
    /** Blocking points entered and not yet left: the outermost speaks for the nested ones (a JDK
     *  method that blocks through another, a primitive of {@link Blocking} through the JDK's).
     *  It is also the guard against re-entry: what the hook itself does (a trace event written to
     *  a file) is nested and fires nothing. Own thread only. */
    int blockDepth;
    /** Scopes that are never a blocking point (class loading) entered and not yet left. */
    int exempt;
    /** This thread's automatic hook, when its runtime has one. */
    final AutomaticHook.PerThread jdkHook;

    /**
     * Called just before this thread really blocks: by a primitive of {@link Blocking} (whose
     * non-blocking attempt failed; {@code site} {@link AutomaticHook#BLOCKING}), or by the agent at
     * a JDK entry point. With the hook set: NONBLOCK gives up (the call returns EAGAIN) where the
     * site can refuse, otherwise the hook fires. On a worker: WorkerBlock. Nested in another
     * blocking point, or elsewhere: nothing. Returns a token for {@link #afterBlock}, 0 when there
     * is nothing to undo.
     */
    int beforeBlock(int site) {
        if (blockDepth > 0) {
            blockDepth++;
            return 1;
        }
        if (hookSet) {
            if (current.nonblock()) {
                if ((site & AutomaticHook.REFUSABLE) == 0) return 0;   // cannot unwind here: blocks inline
                wouldBlockSignalled = true;
                throw WouldBlockError.INSTANCE;
            }
            blockDepth = 1;            // what the hook itself does is nested: it fires nothing
            try {
                hookFire(site);
            } catch (Throwable t) {
                blockDepth = 0;        // undone: the call is still on its caller's stack, the hook set
                throw t;
            }
            return 1;
        }
        if (state() == State.WORKER) {
            workerBlock(site);
            return 1;
        }
        return 0;
    }

    /** WorkerBlock: this worker blocks again; no hook fires (it is clear). */
    private void workerBlock(int site) {
        blockDepth = 1;
        Tracer tr = runtime.tracer;
        if (tr != null) tr.emit(TraceAction.WorkerBlock, id, current.id, via(site), siteName(site));
    }

    /** WorkerWake: this worker's block is over. */
    private void workerWake() {
        Tracer tr = runtime.tracer;
        if (tr != null) tr.emit(TraceAction.WorkerWake, id, current.id);
    }

    /** Called once the blocking point is left, with what {@link #beforeBlock} returned. */
    void afterBlock(int token) {
        if (token == 0 || blockDepth == 0) return;
        if (--blockDepth == 0 && state() == State.WORKER) workerWake();
    }

    /**
     * The woven JDK code on this thread: {@code op} is a site code, with {@link AutomaticHook#EXIT}
     * on the way out and {@link AutomaticHook#ARMED} to ask whether a block would concern a call.
     * Never blocks; throws only the would-block signal, at a refusable site.
     */
    int onJdkBlock(int op) {
        if ((op & AutomaticHook.ARMED) != 0) {
            return inBody && exempt == 0 && (hookSet || state() == State.WORKER) ? 1 : 0;
        }
        boolean exemptSite = (op & AutomaticHook.KIND_MASK) == AutomaticHook.EXEMPT;
        if ((op & AutomaticHook.EXIT) != 0) {
            if (exemptSite) exempt--;
            else afterBlock(1);
            return 0;
        }
        if (exemptSite) {
            exempt++;
            return op;
        }
        if (!inBody || exempt > 0) return 0;
        int kind = op & AutomaticHook.KIND_MASK;
        if (kind == AutomaticHook.FILE && !runtime.automaticHookOnFileIo) return 0;
        if (kind == AutomaticHook.SOCKET_WRITES && !runtime.automaticHookOnSocketWrites) return 0;
        try {
            return beforeBlock(op) == 0 ? 0 : op;
        } catch (WouldBlockError signal) {
            throw signal;
        } catch (Throwable t) {
            // The hook fire was undone: the JDK method blocks inline, the call on its caller's stack.
            runtime.reporter.stepFailed("HookFire", "call " + current.id + " blocks inline at " + siteName(op), t);
            return 0;
        }
    }

    private static String via(int site) {
        return (site & AutomaticHook.INDEX_MASK) == 0 ? null : "agent";
    }

    private static String siteName(int site) {
        int i = site & AutomaticHook.INDEX_MASK;
        return i == 0 ? null : AutomaticHook.sites()[i];
    }

    /**
     * HookFire: this thread's call would block. Clear the hook; the reserved spare takes over the
     * identity and will return IN_PROGRESS (ReturnToUser); this thread stays in the call as a
     * kernel-only worker. The call is IN_PROGRESS from this step on.
     */
    void hookFire(int site) {
        Identity u = carrying;
        CallRecord<?> x = current;
        // Everything that can fail comes first, and a failure here leaves everything as it was:
        // the stack the handoff needs reserved, the event written.
        if (!Fault.NO_STACK_PROBE) reserveStack();
        int spareId = spare.id;
        Tracer.step(runtime.tracer, KThread::hookFire, this, x, via(site), siteName(site));
        u.lane.handedOver();   // the lane may be hot: its next spares spin (see hot()); after the handoff, not in its way
        JfrEvents.hookFire(id, spareId, u.id, x.id, siteName(site));
        blockedCall = JfrEvents.blockedCallBegins(id, u.id, x.id, siteName(site));
        runtime.counters.hookFires.increment();
        if ((site & AutomaticHook.INDEX_MASK) != 0) runtime.countAutomaticFire(site & AutomaticHook.INDEX_MASK);
        runtime.counters.inProgress.increment();
    }

    /** HookFire's step: its point and its event (which may fail: nothing has changed yet), then
     *  the handoff. */
    private static Void hookFire(KThread me, CallRecord<?> x, String via, String site, Tracer tr) {
        Inject.at(Inject.Point.HookFire);
        if (tr != null) {
            tr.emit(TraceAction.HookFire, me.id, me.spare.id, me.carrying.id, x.id, Fault.HOOK_KEPT_AT_FIRE, via, site);
        }
        me.handOver(me.spare, me.carrying, x);
        return null;
    }

    /** HookFire past its point of no return: plain writes, a CAS and an unpark; nothing allocates,
     *  calls user code, or needs more stack than {@link #reserveStack} made sure of. */
    private void handOver(KThread s, Identity u, CallRecord<?> x) {
        if (!Fault.HOOK_KEPT_AT_FIRE) {   // the hook is cleared before anything else
            hookSet = false;
            spare = null;
        }
        carrying = null;
        state(State.WORKER);
        x.decide(Outcome.IN_PROGRESS, null);
        u.completions.callWentAsync();
        u.submissions.unpin();   // the loop's record keeps its call's code and handler: the next carrier takes their slot
        if (Fault.RECORD_REUSED_IN_FLIGHT && x.handler == null) u.reuseInFlight(x);   // (Fault: while this worker runs it)
        u.transferOwner(this, s);
        s.state(State.RETURNING);
        s.handOff(u, x);
    }

    /** Frames {@link #reserveStack} touches below the hook fire's own. Not final for two readers
     *  that turn the probe off while they run: Lincheck's model checker, which reads the probe's
     *  recursion as a livelock (its tests of the handoff are not about the stack), and the
     *  handoff benchmark's {@code stackProbe=off}, which measures what the probe costs. */
    static int stackFrames = 128;

    /**
     * Makes sure the stack holds what the handoff needs below this frame: a call that blocks at
     * the edge of its stack gets its {@link StackOverflowError} here, before anything changed,
     * and not partway through the handoff, which would leave its identity with no carrier. A
     * method's entry checks the stack's guard zone below it, so once this chain of frames has
     * returned, the shallower handoff cannot overflow.
     */
    private static void reserveStack() {
        int frames = stackFrames;
        if (probe(frames) != frames) throw new AssertionError("stack probe");
    }

    private static int probe(int depth) {
        return depth == 0 ? 0 : 1 + probe(depth - 1);
    }

    @Override
    public String toString() { return "KThread " + id + " (" + state() + ", lane " + lane.id + ")"; }
}
