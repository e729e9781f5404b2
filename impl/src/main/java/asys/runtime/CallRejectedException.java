package asys.runtime;

import java.util.concurrent.RejectedExecutionException;

/**
 * A call's {@link Outcome#EAGAIN}, as a future reports it: the call did not run (or, for
 * {@link EagainReason#WOULD_BLOCK}, gave up where it would have blocked), and may be tried
 * again. A {@link RejectedExecutionException}, as an executor's refusal is; {@link #reason()}
 * says why. Futures complete exceptionally with it; a handler sees the same through
 * {@link CallHandle#outcome()} and {@link CallHandle#eagainReason()}.
 */
public final class CallRejectedException extends RejectedExecutionException {
    private static final long serialVersionUID = 1L;

    /** The call's id. */
    private final long callId;
    /** Why the call returned EAGAIN. */
    private final EagainReason reason;

    CallRejectedException(long callId, EagainReason reason, Throwable cause) {
        super("call " + callId + " returned EAGAIN (" + reason + "): " + explain(reason), cause);
        this.callId = callId;
        this.reason = reason;
    }

    private static String explain(EagainReason reason) {
        return switch (reason) {
            case LIMIT -> "its identity had inFlightLimit calls in flight";
            case NO_SPARE -> "no spare thread was free and none could be started within threadLimit";
            case WOULD_BLOCK -> "a NONBLOCK call would have blocked";
            case RUNTIME_ERROR -> "the runtime's own Submit failed (the cause) and was undone; the call did not run";
        };
    }

    /**
     * Why the call returned EAGAIN.
     *
     * @return the reason
     */
    public EagainReason reason() { return reason; }

    /**
     * The call's id (the trace's {@code call}).
     *
     * @return the id
     */
    public long callId() { return callId; }
}
