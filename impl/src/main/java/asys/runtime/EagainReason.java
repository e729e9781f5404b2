package asys.runtime;

/** Why a call returned {@link Outcome#EAGAIN}. */
public enum EagainReason {
    /** The identity had {@code inFlightLimit} calls in flight already (spec: Submit over the limit). */
    LIMIT,
    /** ATOMIC with an empty pool, or no thread could be started within the thread limit (Allocate). */
    NO_SPARE,
    /** NONBLOCK and the call would have blocked (spec: WouldBlock with NONBLOCK). */
    WOULD_BLOCK
}
