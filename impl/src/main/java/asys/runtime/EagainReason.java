package asys.runtime;

/** Why a call returned {@link Outcome#EAGAIN}. */
public enum EagainReason {
    /** The identity had {@code inFlightLimit} calls in flight already (spec: Submit over the limit). */
    LIMIT,
    /** ATOMIC with an empty pool, or no thread could be started within the thread limit (Allocate). */
    NO_SPARE,
    /** NONBLOCK and the call would have blocked (spec: WouldBlock with NONBLOCK). */
    WOULD_BLOCK,
    /** The runtime's own Submit failed (an {@code Error} such as a stack overflow or out of
     *  memory, or a trace sink that threw), was undone and reported; {@link CallHandle#error()}
     *  is what it threw. The call did not run. */
    RUNTIME_ERROR
}
