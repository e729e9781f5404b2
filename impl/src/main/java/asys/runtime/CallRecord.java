package asys.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;

/**
 * One submitted call (the spec's {@code x}); for a call of the execute form, the loop's record
 * (see {@link SubmissionQueue}), while it carries the call (see {@link #fill}). Its life: PENDING
 * in its loop's submission queue; decided once ({@link #decide}: QUICK, EAGAIN or IN_PROGRESS);
 * done once ({@link #finish}), after which its handler runs exactly once on its loop. Decided and done are each written by one
 * thread at a time (the loop's carrier, or the worker that finishes it) and published through
 * volatile fields, so any thread may read the handle.
 *
 * <p>One exception: a QUICK call of the execute form is delivered on its caller's stack with its
 * outcome, value and error handed to its handler directly ({@code CallSteps.runHandler}), and
 * the loop's record that carried it records none of them: no handle or future of it exists to
 * read them, and the record stays PENDING until the loop's next execute-form call takes it
 * ({@link #reusable}).
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
            OUTCOME = l.findVarHandle(CallRecord.class, "outcome", byte.class);
            DONE = l.findVarHandle(CallRecord.class, "done", boolean.class);
            DELIVERED = l.findVarHandle(CallRecord.class, "delivered", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Identity identity;
    /** The call: set when made; for the loop's record, see {@link #fill} (no other thread holds
     *  such a record then: it has no handle). */
    long id;
    int flags;
    Call<T> call;            // exactly one of call, stageCall is non-null
    StageCall<T> stageCall;
    /** The handle forms' handler, never null for them; null for the execute form, whose
     *  handler is outcomeHandler (or, while the loop's record carries the call, in its slot). */
    CompletionHandler<T> handler;
    OutcomeHandler<? super T> outcomeHandler;

    /** The outcome's ordinal: a byte, not an enum reference, so that its stores (two per call)
     *  cost no GC barrier, as the thread's state does (see {@link KThread}). */
    private volatile byte outcome;   // Outcome.PENDING
    private static final Outcome[] OUTCOMES = Outcome.values();
    /** Ordinals the fast path compares the byte with, with no lookup in {@link #OUTCOMES} (static
     *  finals: constants to the JIT). */
    private static final byte PENDING = (byte) Outcome.PENDING.ordinal(), QUICK = (byte) Outcome.QUICK.ordinal(),
            EAGAIN = (byte) Outcome.EAGAIN.ordinal();
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

    /** A loop's record for execute-form calls, filled by {@link #fill}. */
    CallRecord(Identity identity) { this.identity = identity; }

    /** Whether this loop's record carries an execute-form call now: from {@link #fill} until
     *  {@link #release}; one that never is released (its call blocked) stays busy, and the loop
     *  makes another. Carrier only. */
    boolean busy;

    /**
     * Makes this free record the execute-form call {@code id} (on its loop, which alone holds it:
     * its last call was delivered at once, QUICK or EAGAIN, and had no handle). It is as new
     * already: PENDING, nothing decided, done or delivered ({@link #release} left it so). Its
     * code and handler stay in the submission queue's slot ({@link SubmissionQueue#call},
     * {@link SubmissionQueue#handler}); {@link #call} and {@link #outcomeHandler} are null until
     * the record keeps them itself ({@link SubmissionQueue#unpin}). Plain writes, and none of a
     * reference: the call's steps publish what they decide as for any record.
     */
    void fill(long id, int flags) {
        busy = true;
        this.id = id;
        this.flags = flags;
    }

    /** The execute-form call this record carried was delivered on its caller's stack: the record
     *  is free for the loop's next one, as new, and keeps nothing of this one's. A QUICK call left
     *  it as new (see the class comment); an EAGAIN one decided, finished and delivered it, and
     *  that is undone here. (Its value was never stored: the execute form's goes to its handler
     *  alone; its code and handler are cleared where they are, by {@link SubmissionQueue#ran}.) */
    void release() {
        if (outcome != PENDING) renew();
        busy = false;
    }

    /** Back to PENDING, with nothing decided, done or delivered (off the QUICK path). */
    private void renew() {
        OUTCOME.set(this, PENDING);
        eagainReason = null;
        value = null;
        error = null;
        DONE.set(this, false);
        DELIVERED.set(this, false);
        handlerRan = false;
    }

    /**
     * Whether the loop may reuse this record for its next execute-form call: a loop's record
     * ({@link #busy}: no handle, no future) whose call was delivered on its caller's stack: QUICK
     * (delivered with no outcome recorded, so still PENDING once its call's steps are over) or
     * EAGAIN, so that nothing else refers to it. An IN_PROGRESS call's record went to a worker or
     * a state machine and the completion queue: it is not reused.
     */
    boolean reusable() {
        return busy && !Fault.QUICK_POSTS && reusable(outcome);
    }

    private boolean reusable(byte o) {
        return o == PENDING || delivered && (o == QUICK || o == EAGAIN);
    }

    /**
     * Whether this loop's record takes the loop's next execute-form call in place, its last one
     * delivered on its caller's stack ({@link #reusable}); if so, it is as new again, as
     * {@link #release} leaves it, but busy still ({@link SubmissionQueue#next}). One read of
     * the outcome, PENDING after a QUICK call.
     */
    boolean renewForNext() {
        if (!busy || Fault.QUICK_POSTS) return false;
        byte o = outcome;
        if (o == PENDING) return true;
        if (!reusable(o)) return false;
        renew();
        return true;
    }

    /** Whether Submit decided EAGAIN ({@code outcome() == EAGAIN}, with no lookup). */
    boolean eagain() { return outcome == EAGAIN; }

    boolean nonblock() { return (flags & CallFlags.NONBLOCK) != 0; }
    boolean atomic() { return (flags & CallFlags.ATOMIC) != 0; }

    void decide(Outcome o, EagainReason reason) {
        if (outcome != 0) throw decidedTwice(o);
        if (reason != null) eagainReason = reason;   // else null already: a record is new or reset by fill when it decides
        OUTCOME.setRelease(this, (byte) o.ordinal());
    }

    /** Records the one result; the second call is a bug in the runtime and says so. */
    void finish(T v, Throwable e) {
        if (done) throw finishedTwice();
        value = v;
        error = e;
        DONE.setRelease(this, true);
    }

    // The runtime's own bugs, reported out of line: their messages are not the fast path's code
    // (kept small enough for the JIT to inline it whole).

    private IllegalStateException decidedTwice(Outcome then) {
        return new IllegalStateException("call " + id + " decided twice: " + outcome() + " then " + then);
    }

    private IllegalStateException finishedTwice() {
        return new IllegalStateException("call " + id + " finished twice");
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
    @Override public Outcome outcome() { return OUTCOMES[outcome]; }
    @Override public EagainReason eagainReason() { return eagain() ? eagainReason : null; }
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
        Outcome o = outcome();
        return "call " + id + " " + o + (o == Outcome.EAGAIN ? "(" + eagainReason + ")" : "")
                + (done ? (error != null ? " error " + error : " value " + value) : "");
    }
}
