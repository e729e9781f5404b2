package asys.runtime;

/**
 * Thrown inside a {@link CallFlags#NONBLOCK} call at the point where it would block (a
 * {@link Blocking} primitive, or a JDK blocking method the automatic hook sees): the call gives
 * up there and returns {@link Outcome#EAGAIN} with {@link EagainReason#WOULD_BLOCK} (the spec's
 * WouldBlock with NONBLOCK). It is an {@link Error}, not an exception, so that an ordinary
 * {@code catch (Exception e)} in the call's code (or in a library it calls) does not swallow it
 * and go on as if the operation had happened.
 *
 * <p>Do not catch it. A call that does (with {@code catch (Throwable t)}) still returns EAGAIN,
 * whatever it returns or throws afterwards, and every later blocking point of the same call
 * throws it again: its thread remembers. One preallocated instance, without a stack trace.
 */
public final class WouldBlockError extends Error {
    private static final long serialVersionUID = 1L;
    static final WouldBlockError INSTANCE = new WouldBlockError();

    private WouldBlockError() {
        super("a NONBLOCK call would block here: it returns EAGAIN (WOULD_BLOCK)", null, false, false);
    }
}
