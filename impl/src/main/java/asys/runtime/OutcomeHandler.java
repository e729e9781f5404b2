package asys.runtime;

/**
 * Receives a call's one outcome, on the call's loop, for a call submitted with
 * {@link Identity#execute(int, Call, OutcomeHandler)}: at once for {@link Outcome#QUICK} and
 * {@link Outcome#EAGAIN}, from the completion queue for {@link Outcome#IN_PROGRESS}. Exactly once
 * per submitted call. The call has no handle: what the handler is given is all there is of it,
 * which lets the loop run a quick call with no object made for it. An exception it throws goes
 * to the runtime's uncaught-error handler and the loop goes on.
 *
 * @param <T> the call's result type
 */
@FunctionalInterface
public interface OutcomeHandler<T> {
    /**
     * The call's one outcome.
     *
     * @param outcome {@link Outcome#QUICK}, {@link Outcome#IN_PROGRESS} (the call blocked and has
     *     finished since) or {@link Outcome#EAGAIN} (it did not run to its end)
     * @param value what the call returned; null on error and on EAGAIN
     * @param error what the call threw; for EAGAIN, a {@link CallRejectedException} naming the
     *     reason (and, for {@link EagainReason#RUNTIME_ERROR}, the error as its cause); else null
     */
    void onOutcome(Outcome outcome, T value, Throwable error);
}
