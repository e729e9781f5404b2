package asys.runtime;

import java.util.concurrent.locks.LockSupport;

/**
 * A platform thread owned by the runtime: the spec's {@code KThread}.
 *
 * <p>Its life, the states of spec/Asys.tla (each a {@link State}):
 * <pre>
 *   POOLED ---take (Submit)---> RESERVED ---give back (CompleteInline, WouldBlock)---> POOLED
 *                                   |                                  (or EXITED when the pool is full)
 *                                   +---HookFire: assigned an identity---> RETURNING
 *   (new: Allocate, or an identity's first carrier) ---------------------> RETURNING / USER
 *   RETURNING ---ReturnToUser---> USER                 runs the identity's loop
 *   USER ---Submit (spare reserved, hook set)---> IN_CALL ---CompleteInline / WouldBlock---> USER
 *   USER ---Await---> AWAITING ---post or new task---> USER
 *   IN_CALL ---HookFire (the call blocks)---> WORKER ---WorkerFinish---> POOLED (or EXITED)
 *   WORKER ---WorkerBlock / WorkerWake---> WORKER      no hook fires: it is clear
 *   any parked state ---runtime closed---> EXITED
 * </pre>
 *
 * <p>The hook is {@link #spare}: non-null means set, and it is the spare reserved for this
 * thread's current call. Only this thread reads or writes {@code spare}, {@code carrying} and
 * {@code current}: the hook needs no synchronisation. A parked thread (POOLED or RESERVED) waits
 * for an {@link Assignment}, written by the thread that hands it work (a volatile write, then
 * unpark), which is the happens-before edge that hands an identity from one thread to another.
 */
final class KThread implements Runnable {

    /** The spec's thread states (Unallocated is "no KThread object", EXITED after it ran). */
    enum State { POOLED, RESERVED, USER, IN_CALL, RETURNING, WORKER, AWAITING, EXITED }

    /** Work handed to a parked thread: carry {@code identity}; {@code call} is the IN_PROGRESS call it returns for. */
    record Assignment(Identity identity, CallRecord<?> call) {
        static final Assignment EXIT = new Assignment(null, null);
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
    private volatile Assignment assignment;
    private final java.util.concurrent.atomic.AtomicBoolean retired = new java.util.concurrent.atomic.AtomicBoolean();
    /** Set by WorkerFinish when it put this thread back in its pool in the same step. */
    boolean parkedAtFinish;

    // Owned by this thread alone.
    /** The hook: the spare reserved for the call on this stack; null when the hook is clear. */
    KThread spare;
    /** The identity this thread carries (USER, IN_CALL, AWAITING), else null. */
    Identity carrying;
    /** The call running on this stack (IN_CALL, WORKER), else null. */
    CallRecord<?> current;
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

    @Override
    public void run() {
        CURRENT.set(this);
        if (jdkHook != null) AutomaticHook.HOOKS.set(jdkHook);
        try {
            while (true) {
                Assignment a = awaitAssignment();
                if (a == Assignment.EXIT) return;
                if (a.call() != null) {
                    // The spare that took over at HookFire reaches user space with IN_PROGRESS.
                    if (runtime.tracer != null) runtime.tracer.emit("ReturnToUser", "thread", id, "identity", a.identity().id,
                            "call", a.call().id);
                }
                state(State.USER);
                carrying = a.identity();
                a.identity().runLoop(this);
                carrying = null;
                // Either this thread finished its call as a worker, and WorkerFinish already put it
                // back in its pool or decided it exits; or the loop it carried ended.
                if (parkedAtFinish) {
                    parkedAtFinish = false;
                    continue;
                }
                if (retired()) return;
                if (!runtime.park(this)) return;
            }
        } catch (Throwable t) {
            runtime.reportUncaught("runtime thread " + id + " failed", t);
        } finally {
            state(State.EXITED);
            runtime.threadExited(this);
        }
    }

    Assignment awaitAssignment() {
        Assignment a;
        // Spin a little before parking: a thread that has just come back to its pool is the first
        // a Submit takes (the pool is last in, first out), and waking a parked thread costs far
        // more than a hook may wait (tens of microseconds on a virtual machine).
        long spinUntil = runtime.spinNanos > 0 ? System.nanoTime() + runtime.spinNanos : 0;
        while ((a = assignment) == null && spinUntil != 0 && System.nanoTime() < spinUntil) Thread.onSpinWait();
        while ((a = assignment) == null) {
            LockSupport.park(this);
            Thread.interrupted();  // a parked spare ignores interrupts: only an assignment wakes it
        }
        assignment = null;
        Thread.interrupted();  // handed work while spinning: an interrupt of its idle time is not the work's
        return a;
    }

    /** Hands work to this parked thread (from another thread). The write comes before the unpark:
     *  the other order can wake the thread before there is work, and it parks again for good. */
    void assign(Assignment a) {
        assignment = a;
        LockSupport.unpark(thread);
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
        if (spare != null) {
            if (current.nonblock()) {
                if ((site & AutomaticHook.REFUSABLE) == 0) return 0;   // cannot unwind here: blocks inline
                wouldBlockSignalled = true;
                throw WouldBlockSignal.INSTANCE;
            }
            blockDepth = 1;
            hookFire(site);
            return 1;
        }
        if (state() == State.WORKER) {
            blockDepth = 1;
            Tracer tr = runtime.tracer;
            if (tr != null) tr.emit("WorkerBlock", "thread", id, "call", current.id, "via", via(site), "site", siteName(site));
            return 1;
        }
        return 0;
    }

    /** Called once the blocking point is left, with what {@link #beforeBlock} returned. */
    void afterBlock(int token) {
        if (token == 0 || blockDepth == 0) return;
        if (--blockDepth == 0 && state() == State.WORKER) {
            Tracer tr = runtime.tracer;
            if (tr != null) tr.emit("WorkerWake", "thread", id, "call", current.id);
        }
    }

    /**
     * The woven JDK code on this thread: {@code op} is a site code, with {@link AutomaticHook#EXIT}
     * on the way out and {@link AutomaticHook#ARMED} to ask whether a block would concern a call.
     * Never blocks; throws only the would-block signal, at a refusable site.
     */
    int onJdkBlock(int op) {
        if ((op & AutomaticHook.ARMED) != 0) {
            return inBody && exempt == 0 && (spare != null || state() == State.WORKER) ? 1 : 0;
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
        return beforeBlock(op) == 0 ? 0 : op;
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
        KThread s = spare;
        if (!Fault.HOOK_KEPT_AT_FIRE) spare = null;   // the hook is cleared before anything else
        Identity u = carrying;
        CallRecord<?> x = current;
        carrying = null;
        state(State.WORKER);
        x.decide(Outcome.IN_PROGRESS, null);
        u.callWentAsync();
        runtime.counters.hookFires.increment();
        if ((site & AutomaticHook.INDEX_MASK) != 0) runtime.countAutomaticFire(site & AutomaticHook.INDEX_MASK);
        runtime.counters.inProgress.increment();
        u.transferOwner(this, s);
        s.state(State.RETURNING);
        if (runtime.tracer != null) runtime.tracer.emit("HookFire", "thread", id, "spare", s.id, "identity", u.id, "call", x.id,
                "hook", spare != null,
                "via", via(site), "site", siteName(site));
        s.assign(new Assignment(u, x));
    }

    @Override
    public String toString() { return "KThread " + id + " (" + state() + ", lane " + lane.id + ")"; }
}
