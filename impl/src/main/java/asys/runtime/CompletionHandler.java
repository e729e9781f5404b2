package asys.runtime;

/**
 * Receives a call's one result, on the call's loop: at once for {@link Outcome#QUICK} and
 * {@link Outcome#EAGAIN}, from the completion queue for {@link Outcome#IN_PROGRESS}. Exactly
 * once per submitted call. An exception it throws goes to the runtime's uncaught-error handler
 * and the loop goes on.
 *
 * @param <T> the result's type
 */
@FunctionalInterface
public interface CompletionHandler<T> {
    /**
     * The call's one result.
     *
     * @param result the call's handle, done
     */
    void onResult(CallHandle<T> result);
}
