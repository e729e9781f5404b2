package asys.runtime;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The runtime's threads: the spec's finite supply (thread slots), the lanes' pools they park in,
 * and their ends.
 *
 * <p>A thread's slot is in use from the step that starts it (Allocate, or an identity's first
 * carrier) to the step that decides it exits (the spec's Unallocated), and is then reused. A
 * thread is put in its lane's pool when idle ({@link #park}); once the runtime is closing every
 * pooled thread is taken out and told to exit ({@link #poolExit}), whichever step pooled it.
 *
 * <p>Locks: the slots are guarded by their own monitor and the count of live threads by
 * {@link #exitLock}; neither is held while anything else is taken, so both come last in the lock
 * order. The pools themselves take no lock (see {@link Lane}).
 */
final class ThreadSupply {

    private final AsysRuntime runtime;
    private final ThreadFactory threadFactory;
    private final long threadStartNanos;
    private final Tracer tracer;
    private final Reporter reporter;
    private final LongAdder sparesAllocated;
    /** Spares that exited on their keep-alive. */
    private final LongAdder keepAliveExits;
    /** Slots 1..threadLimit; true while in use. Guarded by its own monitor. */
    private final boolean[] slotInUse;
    /** The threads started and not yet ended. */
    private final List<KThread> threads = new CopyOnWriteArrayList<>();
    /** Set once, when the runtime starts closing: a thread pooled from then on is told to exit. */
    private volatile boolean closing;
    private final ReentrantLock exitLock = new ReentrantLock();
    private final Condition allExited = exitLock.newCondition();
    private int alive;                                                  // guarded by exitLock
    /** Run once the last thread has ended after close began (stops the watchdog). */
    private volatile Runnable afterLastExit = () -> { };

    ThreadSupply(AsysRuntime runtime, ThreadFactory threadFactory, int threadLimit, long threadStartNanos,
                 Tracer tracer, Reporter reporter, LongAdder sparesAllocated, LongAdder keepAliveExits) {
        this.runtime = runtime;
        this.threadFactory = threadFactory;
        this.threadStartNanos = threadStartNanos;
        this.tracer = tracer;
        this.reporter = reporter;
        this.sparesAllocated = sparesAllocated;
        this.keepAliveExits = keepAliveExits;
        this.slotInUse = new boolean[threadLimit + 1];
    }

    int threadLimit() { return slotInUse.length - 1; }

    Iterable<KThread> threads() { return threads; }

    boolean closing() { return closing; }

    /** Marks the supply closing; true the first time. */
    boolean startClosing(Runnable afterLastExit) {
        if (closing) return false;
        this.afterLastExit = afterLastExit;
        closing = true;
        return true;
    }

    /** What Allocate got: a new spare, or none because the supply is exhausted (the spec's
     *  AllocateExhausted) or because starting one failed with slots left (AllocateFails). */
    record Allocation(KThread spare, boolean exhausted) {}

    /** Allocate: a new spare for {@code lane} within the thread limit, reserved. */
    Allocation allocateSpare(Lane lane) {
        int id = claimSlot();
        if (id < 0) return new Allocation(null, true);
        KThread k = start(id, lane, KThread.State.RESERVED);
        if (k != null) sparesAllocated.increment();
        return new Allocation(k, false);
    }

    /**
     * Starts a runtime thread parked in {@code initial}, or returns null at the limit or on a
     * failed start: the factory threw or returned null, {@code start()} threw, or the thread did
     * not enter the runtime's code within the start timeout (a factory's wrapper that died in its
     * own set-up, or never runs its task). A failed start is reported, its slot is freed and it is
     * not counted alive; no call waits on it. Returns only once the thread runs the runtime's
     * code: a thread that is handed an identity is known to be there to carry it.
     */
    KThread start(Lane lane, KThread.State initial) {
        int id = claimSlot();
        return id < 0 ? null : start(id, lane, initial);
    }

    /** {@link #start(Lane, KThread.State)} in the slot {@code id}, already claimed. */
    private KThread start(int id, Lane lane, KThread.State initial) {
        KThread k;
        try {
            k = new KThread(id, lane, runtime, initial);
        } catch (Throwable e) {
            freeSlot(id);
            throw e;
        }
        Thread t;
        try {
            t = threadFactory.newThread(k);
            if (t == null) reporter.uncaught("thread factory returned null instead of a thread", new NullPointerException("thread factory"));
        } catch (Throwable e) {
            reporter.uncaught("thread factory failed", e);
            t = null;
        }
        if (t == null) {
            retire(k);
            return null;
        }
        k.thread = t;
        exitLock.lock();
        try {
            alive++;
        } finally {
            exitLock.unlock();
        }
        threads.add(k);
        try {
            Inject.at(Inject.Point.Allocate);
            t.start();
        } catch (Throwable e) {
            threadExited(k);
            reporter.uncaught("cannot start a runtime thread", e);
            return null;
        }
        String failed = k.awaitEntered(threadStartNanos);
        if (failed != null) {
            threadExited(k);
            reporter.uncaught("thread " + t.getName() + " from the thread factory " + failed + ": a failed start, its slot freed",
                    new IllegalStateException("runtime thread " + id + " never ran the runtime's task"));
            return null;
        }
        return k;
    }

    boolean slotFree() {
        synchronized (slotInUse) {
            for (int i = 1; i < slotInUse.length; i++) if (!slotInUse[i]) return true;
            return false;
        }
    }

    private int claimSlot() {
        synchronized (slotInUse) {
            for (int i = 1; i < slotInUse.length; i++) {
                if (!slotInUse[i]) {
                    slotInUse[i] = true;
                    return i;
                }
            }
            return -1;
        }
    }

    private void freeSlot(int id) {
        synchronized (slotInUse) {
            slotInUse[id] = false;
        }
    }

    /** Puts an idle thread in its lane's pool; when full it exits instead. A throw from here
     *  comes before the thread is in a pool (callers then retire it: see {@link #parkOrRetire}).
     *  Once the runtime is closing, a thread pooled here is told to exit by the caller's next
     *  step, {@link #exitIfClosing}, as by close's own drain: both are the spec's PoolExit. */
    boolean park(KThread k) {
        Inject.at(Inject.Point.Park);
        k.state(KThread.State.POOLED);
        if (k.lane.give(k)) return true;
        retire(k);
        return false;
    }

    /** {@link #park}, or, when that fails, the thread is decided to exit (the failure reported):
     *  either way the step completes. Returns true when it is in its pool. */
    boolean parkOrRetire(KThread k) {
        try {
            return park(k);
        } catch (Throwable t) {
            retire(k);
            reporter.stepFailed("Park", "thread " + k.id + " exits instead", t);
            return false;
        }
    }

    /** A spare its call no longer needs goes back to its pool, or (pool full, or the park
     *  failed) is told to exit. */
    void release(KThread s) {
        if (!parkOrRetire(s)) s.assign(KThread.Assignment.EXIT);
    }

    /** Close's drain: every pooled thread of {@code lanes} taken out and told to exit. */
    void exitPooled(Lane[] lanes) {
        for (Lane l : lanes) {
            while (Tracer.step(tracer, ThreadSupply::poolExit, this, l, null, null)) { }
        }
    }

    /**
     * A thread its caller has just pooled, once the runtime is closing: close's drain may have
     * passed that pool already, so the thread is taken out again and told to exit. (A thread
     * pooled before {@code closing} was set is found by the drain: the give comes before this
     * read, the drain's take after the write.)
     */
    void exitIfClosing(KThread k) {
        if (closing) Tracer.step(tracer, ThreadSupply::poolExit, this, k.lane, k, null);
    }

    /**
     * PoolExit: {@code k} (or, when null, any thread) taken out of pool {@code l} and told to
     * exit; false when there was none. A thread taken out is told to exit whatever fails in
     * between (nothing here allocates), so that none is left parked out of every pool, which
     * close would wait for forever.
     */
    private static Boolean poolExit(ThreadSupply supply, Lane l, KThread k, Object unused, Tracer tr) {
        KThread out = k == null ? l.take() : l.remove(k) ? k : null;
        if (out == null) return false;
        try {
            Inject.at(Inject.Point.Close);
            if (tr != null) tr.emit(TraceAction.PoolExit, out.id, l.id);
        } catch (Throwable t) {
            supply.reporter.stepFailed("PoolExit", "thread " + out.id + " is still told to exit", t);
        } finally {
            supply.retire(out);
            out.assign(KThread.Assignment.EXIT);
        }
        return true;
    }

    /**
     * KeepAliveExit: {@code k} has waited in its pool past the keep-alive; if the pool holds more
     * than its floor, {@code k} takes itself out of its slot and exits. The take is the CAS that a
     * reservation's take would have made: whichever comes first has the thread, so a spare that
     * was just reserved stays (the spec's KeepAliveExit, which only a Pooled thread takes). True
     * when {@code k} left its pool and must exit.
     *
     * <p>With tracing on, the look at the pool's size and the take are one step under the
     * tracer's monitor, as are the other steps' takes and gives, so the floor holds exactly. With
     * it off, keep-alive exits still take the lane's monitor one at a time, but a reservation's
     * take does not: one between the look and the take leaves the pool one below its floor while
     * that spare is at work (it comes back to the pool after). That is safe: the model with no floor
     * (model-check/MCAsys_pool_nofloor.cfg, where any idle spare may exit) passes every invariant.
     */
    boolean keepAliveExit(KThread k) {
        return Tracer.step(tracer, ThreadSupply::keepAliveExit, this, k, null, null);
    }

    private static Boolean keepAliveExit(ThreadSupply supply, KThread k, Object unused1, Object unused2, Tracer tr) {
        Lane l = k.lane;
        // One keep-alive exit at a time a lane, so that spares timing out together do not all see
        // the pool above its floor and all leave. (Reservations take no lock: see above.)
        synchronized (l) {
            if (l.pooled() <= l.floor) return false;
            // (Fault: exits on its old look at the pool, still in its slot for a Submit to reserve.)
            if (!Fault.KEEP_ALIVE_RACES_RESERVE && !l.remove(k)) return false;   // taken for a call since it timed out
        }
        try {
            if (tr != null) tr.emit(TraceAction.KeepAliveExit, k.id, l.id);
        } catch (Throwable t) {
            supply.reporter.stepFailed("KeepAliveExit", "thread " + k.id + " exits all the same", t);
        } finally {
            supply.retire(k);
            supply.keepAliveExits.increment();
        }
        return true;
    }

    /** The step that decides {@code k} exits: its slot goes back to the supply (once). */
    void retire(KThread k) {
        if (k.retire()) freeSlot(k.id);
    }

    /** The thread has ended (after its exit was decided, or on failure). */
    void threadExited(KThread k) {
        retire(k);
        threads.remove(k);
        boolean last;
        exitLock.lock();
        try {
            last = --alive == 0;
            allExited.signalAll();
        } finally {
            exitLock.unlock();
        }
        if (last && closing) afterLastExit.run();
    }

    int alive() {
        exitLock.lock();
        try {
            return alive;
        } finally {
            exitLock.unlock();
        }
    }

    /**
     * Waits until every thread has ended, at most until {@code deadline} ({@link System#nanoTime}
     * based; {@code forever} for no limit), draining {@code lanes}' pools again on the way: a
     * spare pooled after close's drain is told to exit by its pooler's next step, and one pooled
     * in between is caught here. False when the time ran out or the wait was interrupted (the
     * interrupt flag then set again).
     */
    boolean awaitAllExited(Lane[] lanes, long deadline, boolean forever) {
        while (true) {
            exitPooled(lanes);   // not under exitLock: a step holding the tracer's monitor may start a thread
            exitLock.lock();
            try {
                if (alive == 0) return true;
                long left = forever ? Long.MAX_VALUE : deadline - System.nanoTime();
                if (left <= 0) return false;
                allExited.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } finally {
                exitLock.unlock();
            }
        }
    }
}
