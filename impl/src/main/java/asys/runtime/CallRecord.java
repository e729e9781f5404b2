package asys.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One submitted call (the spec's {@code x}). Its life: PENDING in its loop's submission queue;
 * decided once ({@link #decide}: QUICK, EAGAIN or IN_PROGRESS); done once ({@link #finish}),
 * after which its handler runs exactly once on its loop. Decided and done are each written by one
 * thread at a time (the loop's carrier, or the worker that finishes it) and published through
 * volatile fields, so any thread may read the handle.
 */
final class CallRecord<T> implements CallHandle<T> {

    private static final AtomicReferenceFieldUpdater<CallRecord, RuntimeFuture> FUTURE =
            AtomicReferenceFieldUpdater.newUpdater(CallRecord.class, RuntimeFuture.class, "future");
    /** Release stores for outcome, done and delivered: they publish what was written before them to any
     *  reader (whose volatile read is an acquire), without the fence of a volatile store, which
     *  the fast path would pay three times per call. */
    private static final VarHandle OUTCOME, DONE, DELIVERED;
    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            OUTCOME = l.findVarHandle(CallRecord.class, "outcome", Outcome.class);
            DONE = l.findVarHandle(CallRecord.class, "done", boolean.class);
            DELIVERED = l.findVarHandle(CallRecord.class, "delivered", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final Identity identity;
    final int flags;
    final Call<T> call;            // exactly one of call, stageCall is non-null
    final StageCall<T> stageCall;
    final CompletionHandler<T> handler;

    private volatile Outcome outcome = Outcome.PENDING;
    private EagainReason eagainReason;       // written before outcome (volatile) is
    private T value;                         // written before done (volatile) is
    private Throwable error;
    private volatile boolean done;
    private volatile boolean delivered;
    private volatile RuntimeFuture<T> future;
    /** Guards the handler: it runs once, whatever goes wrong around it. */
    boolean handlerRan;
    /** The next completion in its identity's queue (guarded by the identity's lock). */
    CallRecord<?> nextCompletion;

    CallRecord(long id, Identity identity, int flags, Call<T> call, StageCall<T> stageCall, CompletionHandler<T> handler) {
        this.id = id;
        this.identity = identity;
        this.flags = flags;
        this.call = call;
        this.stageCall = stageCall;
        this.handler = handler;
    }

    boolean nonblock() { return (flags & CallFlags.NONBLOCK) != 0; }
    boolean atomic() { return (flags & CallFlags.ATOMIC) != 0; }

    void decide(Outcome o, EagainReason reason) {
        if (outcome != Outcome.PENDING) throw new IllegalStateException("call " + id + " decided twice: " + outcome + " then " + o);
        eagainReason = reason;
        OUTCOME.setRelease(this, o);
    }

    /** Records the one result; the second call is a bug in the runtime and says so. */
    void finish(T v, Throwable e) {
        if (done) throw new IllegalStateException("call " + id + " finished twice");
        value = v;
        error = e;
        DONE.setRelease(this, true);
    }

    /** The handler has run (on the loop): the outcome is delivered; the future, if one was asked
     *  for, completes now. A release store, with no fence: {@link #future()} does not rely on
     *  seeing it from another thread at once (see there). */
    void delivered() {
        DELIVERED.setRelease(this, true);
        RuntimeFuture<T> f = future;
        if (f != null) f.completeWith(this);
    }

    /** Gives this call, made on its loop, the future made for it before it was (see
     *  {@link Identity#submit(int, Call)}); nothing else has a future of it yet. */
    void attach(RuntimeFuture<T> f) {
        f.ownedBy(this);
        future = f;
    }

    @Override public long id() { return id; }
    @Override public Outcome outcome() { return outcome; }
    @Override public EagainReason eagainReason() { return outcome == Outcome.EAGAIN ? eagainReason : null; }
    @Override public boolean isDone() { return done; }
    @Override public T value() { return done ? value : null; }
    @Override public Throwable error() { return done ? error : null; }

    /**
     * The future, made on first request; only the runtime completes it (see {@link RuntimeFuture}). Made from another thread, it may race with
     * {@link #delivered()} on the loop (each writes its field, then reads the other's; without a
     * fence on both sides both may miss). So the check is repeated on the loop itself, where it
     * cannot race: a task that completes the future if the handler has run by then (and if it has
     * not, {@code delivered()} runs later on the loop and sees the future). A closed identity takes
     * no tasks; its loop ends only after every handler has run, so the future completes then.
     */
    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<T> future() {
        RuntimeFuture<T> f = future;
        if (f != null) return f;
        FUTURE.compareAndSet(this, null, new RuntimeFuture<T>("the future of call " + id, this));
        RuntimeFuture<T> made = future;
        if (delivered) {
            made.completeWith(this);
        } else if (!identity.isCarrier(Thread.currentThread())) {   // on the loop, delivered() comes later and sees it
            try {
                identity.execute(() -> {
                    if (delivered) made.completeWith(this);
                });
            } catch (java.util.concurrent.RejectedExecutionException closed) {
                identity.ended().thenRun(() -> made.completeWith(this));
            }
        }
        return made;
    }

    @Override
    public String toString() {
        return "call " + id + " " + outcome + (outcome == Outcome.EAGAIN ? "(" + eagainReason + ")" : "")
                + (done ? (error != null ? " error " + error : " value " + value) : "");
    }
}
