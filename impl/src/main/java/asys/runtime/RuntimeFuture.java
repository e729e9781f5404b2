package asys.runtime;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * A future the runtime alone completes: a call's {@link CallHandle#future()} and an identity's
 * {@link Identity#ended()}. Anyone may read it, wait for it and chain on it; nobody else may
 * complete or cancel it (each throws {@link UnsupportedOperationException} saying so: a
 * cancel that returned true while the call ran on would lie). A timeout ({@link #orTimeout},
 * {@link #completeOnTimeout}) applies to a copy, which it returns. A wait that could never end
 * (a call waiting for its own completion, or for the end of its own identity, whose handler
 * and whose end both come only after the call has returned) throws {@link IllegalStateException}
 * at once instead of holding a thread for ever.
 */
final class RuntimeFuture<T> extends CompletableFuture<T> {

    /** What this future is, for messages: "the future of call 12", "identity main's ended()". */
    private final String what;
    /** The call or identity whose own code must not wait for this future (a future made before
     *  its call is gets it when the call is made, on the loop). */
    private volatile Object owner;

    RuntimeFuture(String what, Object owner) {
        this.what = what;
        this.owner = owner;
    }

    /** The runtime's completion (the only one). */
    void completeByRuntime(T value) { super.complete(value); }

    /** The runtime's exceptional completion. */
    void failByRuntime(Throwable error) { super.completeExceptionally(error); }

    /** The call this future is of, once it is made. */
    void ownedBy(Object call) { owner = call; }

    /** Completes with {@code x}'s result: its value, its error, or its EAGAIN as a {@link CallRejectedException}. */
    void completeWith(CallHandle<T> x) {
        if (x.outcome() == Outcome.EAGAIN) failByRuntime(new CallRejectedException(x.id(), x.eagainReason(), x.error()));
        else if (x.error() != null) failByRuntime(x.error());
        else completeByRuntime(x.value());
    }

    /** Throws when the calling code is the owner's own call: its wait could never end. */
    void checkNotOwnWait() {
        if (isDone()) return;
        KThread k = KThread.current();
        CallRecord<?> running = k == null || !k.inBody ? null : k.current;
        if (running == null) return;
        if (owner == running) {
            throw new IllegalStateException("call " + running.id + " waits for " + what
                    + ", which completes only after the call has returned: it would wait for ever");
        }
        if (owner == running.identity) {
            throw new IllegalStateException("call " + running.id + " waits for " + what
                    + ", which completes only after every call of the identity has returned, this one too: it would wait for ever");
        }
    }

    @Override
    public T get() throws InterruptedException, ExecutionException {
        checkNotOwnWait();
        return super.get();
    }

    @Override
    public T get(long timeout, TimeUnit unit) throws InterruptedException, ExecutionException, TimeoutException {
        checkNotOwnWait();
        return super.get(timeout, unit);
    }

    @Override
    public T join() {
        checkNotOwnWait();
        return super.join();
    }

    private UnsupportedOperationException refused(String op) {
        return new UnsupportedOperationException(what + ": " + op + " is refused: the runtime alone completes it, when "
                + (owner instanceof Identity ? "the loop has ended" : "the call's handler has run")
                + " (cancellation is not part of asys: a call runs to its one outcome)");
    }

    @Override public boolean cancel(boolean mayInterruptIfRunning) { throw refused("cancel"); }
    @Override public boolean complete(T value) { throw refused("complete"); }
    @Override public boolean completeExceptionally(Throwable ex) { throw refused("completeExceptionally"); }
    @Override public void obtrudeValue(T value) { throw refused("obtrudeValue"); }
    @Override public void obtrudeException(Throwable ex) { throw refused("obtrudeException"); }
    @Override public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier) { throw refused("completeAsync"); }
    @Override public CompletableFuture<T> completeAsync(Supplier<? extends T> supplier, Executor executor) { throw refused("completeAsync"); }

    @Override
    public CompletableFuture<T> orTimeout(long timeout, TimeUnit unit) { return copy().orTimeout(timeout, unit); }

    @Override
    public CompletableFuture<T> completeOnTimeout(T value, long timeout, TimeUnit unit) {
        return copy().completeOnTimeout(value, timeout, unit);
    }

    /** Dependent stages are plain futures, the caller's own. */
    @Override
    public <U> CompletableFuture<U> newIncompleteFuture() { return new CompletableFuture<>(); }

    @Override
    public String toString() { return what + " " + super.toString(); }
}
