package asys.runtime;

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

    private static final AtomicReferenceFieldUpdater<CallRecord, CompletableFuture> FUTURE =
            AtomicReferenceFieldUpdater.newUpdater(CallRecord.class, CompletableFuture.class, "future");

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
    private volatile CompletableFuture<CallHandle<T>> future;
    /** Guards the handler: it runs once, whatever goes wrong around it. */
    boolean handlerRan;

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
        outcome = o;
    }

    /** Records the one result; the second call is a bug in the runtime and says so. */
    void finish(T v, Throwable e) {
        if (done) throw new IllegalStateException("call " + id + " finished twice");
        value = v;
        error = e;
        done = true;
    }

    /** The handler has run: the outcome is delivered; the future completes now. */
    void delivered() {
        delivered = true;
        CompletableFuture<CallHandle<T>> f = future;
        if (f != null) f.complete(this);
    }

    @Override public long id() { return id; }
    @Override public Outcome outcome() { return outcome; }
    @Override public EagainReason eagainReason() { return outcome == Outcome.EAGAIN ? eagainReason : null; }
    @Override public boolean isDone() { return done; }
    @Override public T value() { return done ? value : null; }
    @Override public Throwable error() { return done ? error : null; }

    @Override
    @SuppressWarnings("unchecked")
    public CompletableFuture<CallHandle<T>> future() {
        CompletableFuture<CallHandle<T>> f = future;
        if (f == null) {
            FUTURE.compareAndSet(this, null, new CompletableFuture<CallHandle<T>>());
            f = future;
            if (delivered) f.complete(this);
        }
        return f;
    }

    @Override
    public String toString() {
        return "call " + id + " " + outcome + (outcome == Outcome.EAGAIN ? "(" + eagainReason + ")" : "")
                + (done ? (error != null ? " error " + error : " value " + value) : "");
    }
}
