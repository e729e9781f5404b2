package asys.runtime;

import java.util.concurrent.CompletableFuture;

/**
 * A submitted call: its outcome, and once done its value or error. Safe to read from any thread.
 *
 * @param <T> the call's result type
 */
public interface CallHandle<T> {

    /**
     * The call's id, unique within its runtime; the trace's {@code call}.
     *
     * @return the id
     */
    long id();

    /**
     * What submit decided; {@link Outcome#PENDING} until the loop has run the call.
     *
     * @return the outcome
     */
    Outcome outcome();

    /**
     * Why the call returned {@link Outcome#EAGAIN}; null otherwise.
     *
     * @return the reason, or null
     */
    EagainReason eagainReason();

    /**
     * True once the call has its one result (its handler is about to run or has run).
     *
     * @return whether done
     */
    boolean isDone();

    /**
     * The value the call returned; null while not done, on error, or on EAGAIN.
     *
     * @return the value, or null
     */
    T value();

    /**
     * What the call threw (or its stage failed with); null otherwise.
     *
     * @return the error, or null
     */
    Throwable error();

    /**
     * The call's result as a future, completed once its handler has run (made on first use):
     * with the call's value; exceptionally with what the call threw (or its stage failed with);
     * or, for {@link Outcome#EAGAIN}, exceptionally with a {@link CallRejectedException} naming
     * the reason. A dependent stage given the identity as its executor
     * ({@code thenAcceptAsync(f, identity)}) runs on the loop, as a handler does; one without an
     * executor runs where any {@code CompletableFuture}'s does (the completing thread, here the
     * loop, or the thread that adds it to a future already complete). Only the runtime completes it: {@code cancel}, {@code complete} and the like throw
     * {@link UnsupportedOperationException} (cancellation is not part of asys), and a timeout
     * applies to a copy. The call's own code waiting for it ({@code get}, {@code join},
     * {@link Blocking#get}) throws {@link IllegalStateException}: that wait could never end.
     *
     * @return the future of this call's result
     */
    CompletableFuture<T> future();
}
