package asys.runtime;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * An identity's completion queue and its carrier's sleep: the spec's {@code queue[u]} with the
 * steps that touch it. Workers and state machines post (WorkerFinish, MachineComplete) from any
 * thread; the carrier alone reaps (Reap) and sleeps (Await). The queue and the sleep are guarded
 * by {@link #lock}, so a post cannot slip between await's check and its sleep (NoLostWakeup).
 *
 * <p>The queue is intrusive, linked through {@link CallRecord#nextCompletion}, so that a post
 * allocates nothing: a post out of memory would lose its completion.
 *
 * <p>Lock order: {@link #lock}, then the tracer's monitor (a post's event), then the pools and
 * the thread supply's locks (WorkerFinish pools its worker in the same step).
 */
final class CompletionQueue {

    private final int identity;
    private final Tracer tracer;
    private final Reporter reporter;
    /** For WorkerFinish, which pools its worker in the post's step; unused by MachineComplete. */
    private final ThreadSupply threads;
    /** Work other than a completion that ends the carrier's sleep: a task, or the loop's end. */
    private final BooleanSupplier otherWork;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    /** Completions posted and not yet reaped, head first; null when empty. Guarded by lock. */
    private CallRecord<?> head, tail;
    /** The queue is non-empty: written under lock, read without it so that the fast path takes
     *  no lock when nothing was posted (a stale false is safe: await re-checks under lock). */
    private volatile boolean posted;
    /** The carrier sleeps on {@link #wake}; guarded by lock. */
    private boolean sleeping;
    /** IN_PROGRESS calls not yet posted (the spec's Outstanding). */
    private final AtomicInteger outstanding = new AtomicInteger();

    CompletionQueue(int identity, Tracer tracer, Reporter reporter, ThreadSupply threads, BooleanSupplier otherWork) {
        this.identity = identity;
        this.tracer = tracer;
        this.reporter = reporter;
        this.threads = threads;
        this.otherWork = otherWork;
    }

    /** A call went IN_PROGRESS: one more completion to come. */
    void callWentAsync() { outstanding.incrementAndGet(); }

    /** IN_PROGRESS calls not yet posted. */
    int outstanding() { return outstanding.get(); }

    /** WorkerFinish: {@code worker} posts x's completion and goes back to its pool (or exits), in
     *  one step, as the spec's WorkerFinish does. */
    void workerFinish(CallRecord<?> x, KThread worker) { post(x, worker); }

    /** MachineComplete: a state machine's completion is posted (from whatever thread completed it). */
    void machineComplete(CallRecord<?> x) { post(x, null); }

    /** Posts x's completion and wakes the carrier if asleep in await. A failure partway completes
     *  the step: the completion is posted, the worker pooled or told to exit. */
    private void post(CallRecord<?> x, KThread worker) {
        KThread toPark = worker;
        if (Fault.POOL_BEFORE_POST && worker != null) {
            worker.parkedAtFinish = threads.park(worker);   // back in the pool first...
            Fault.pause();                                  // ...and the post comes later
            toPark = null;
        }
        Throwable failed;
        lock.lock();
        try {
            boolean queued = false, stepped = false;
            try {
                Inject.at(worker != null ? Inject.Point.WorkerFinish : Inject.Point.MachineComplete);
                enqueue(x);
                queued = true;
                failed = Tracer.step(tracer, CompletionQueue::postStep, this, x, toPark, worker);
                stepped = true;
            } catch (Throwable t) {
                if (Fault.POST_NOT_FAILURE_ATOMIC) throw t;
                if (!queued) enqueue(x);
                if (toPark != null && !stepped) toPark.parkedAtFinish = threads.parkOrRetire(toPark);
                failed = t;
            }
            if (sleeping) wake.signal();
        } finally {
            lock.unlock();
        }
        if (failed != null) {
            reporter.stepFailed(worker != null ? "WorkerFinish" : "MachineComplete",
                    "call " + x.id + "'s completion is posted all the same", failed);
        }
        if (worker != null && worker.parkedAtFinish) threads.exitIfClosing(worker);   // PoolExit, once closing
    }

    /** The post's step past the queueing: the worker pooled, then the event. Returns what writing
     *  the event threw (the step completed all the same), or null. */
    private static Throwable postStep(CompletionQueue q, CallRecord<?> x, KThread toPark, KThread worker, Tracer tr) {
        if (toPark != null) toPark.parkedAtFinish = q.threads.parkOrRetire(toPark);
        if (tr == null) return null;
        try {
            tr.emit(worker != null ? TraceAction.WorkerFinish : TraceAction.MachineComplete,
                    worker == null ? null : worker.id, q.identity, x.id);
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    /** Appends x: plain writes, no allocation. Under lock. */
    private void enqueue(CallRecord<?> x) {
        x.nextCompletion = null;
        if (tail == null) head = x;
        else tail.nextCompletion = x;
        tail = x;
        posted = true;
        outstanding.decrementAndGet();
    }

    /** Reap: the carrier {@code me} takes one completion, or null. A failure undoes the step: the
     *  completion back at the head of the queue, and the loop reaps it again. */
    CallRecord<?> reap(KThread me) {
        if (!posted) return null;
        lock.lock();
        try {
            CallRecord<?> x = head;
            if (x == null) {
                posted = false;
                return null;
            }
            head = x.nextCompletion;
            if (head == null) {
                tail = null;
                posted = false;
            }
            try {
                Inject.at(Inject.Point.Reap);
                if (tracer != null) tracer.emit(TraceAction.Reap, me.id, identity, x.id);
            } catch (Throwable t) {
                x.nextCompletion = head;
                head = x;
                if (tail == null) tail = x;
                posted = true;
                throw t;
            }
            x.nextCompletion = null;
            return x;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes the carrier if it sleeps in {@link #await} (a task came, or close). */
    void wake() {
        lock.lock();
        try {
            if (sleeping) wake.signal();
        } finally {
            lock.unlock();
        }
    }

    /**
     * The carrier sleeps until a completion or other work arrives. With calls outstanding this is
     * the spec's Await: its check and its sleep are one step under {@link #lock}, and a post wakes
     * it. Woken by other work instead, it is the spec's AwaitInterrupted.
     */
    void await(KThread me) {
        lock.lock();
        try {
            boolean awaiting = false;
            while (head == null && !otherWork.getAsBoolean()) {
                if (!awaiting && outstanding.get() > 0) {
                    Inject.at(Inject.Point.Await);   // a throw: nothing changed, the loop takes the step again
                    awaiting = true;
                    if (tracer != null) tracer.emit(TraceAction.Await, me.id, identity);
                }
                me.state(KThread.State.AWAITING);
                if (Fault.AWAIT_NOT_ATOMIC) {
                    lock.unlock();   // the check above is now stale
                    Fault.pause();
                    lock.lock();
                }
                awaitSleep();
            }
            if (awaiting && head == null) awaitInterrupted(me);
        } finally {
            me.state(KThread.State.USER);
            lock.unlock();
        }
    }

    /** The sleep itself, under lock: in this runtime part of Await's step; the spec's AwaitSleep
     *  is the same sleep taken apart from the check (its variant AwaitNotAtomic). */
    private void awaitSleep() {
        sleeping = true;
        try {
            wake.await();
        } catch (InterruptedException e) {
            // a loop's carrier ignores interrupts: only work or close wakes it
        } finally {
            sleeping = false;
        }
    }

    /** AwaitInterrupted: woken from Await by other work with nothing posted. */
    private void awaitInterrupted(KThread me) {
        if (tracer != null) tracer.emit(TraceAction.AwaitInterrupted, me.id, identity);
    }
}
