package asys.runtime;

/**
 * Thrown by a blocking primitive inside a NONBLOCK call that would block: it unwinds the call
 * so that submit's return path returns EAGAIN (spec: WouldBlock with NONBLOCK). Preallocated and
 * without a stack trace. A call that catches it still returns EAGAIN: the thread remembers.
 */
final class WouldBlockSignal extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final WouldBlockSignal INSTANCE = new WouldBlockSignal();

    private WouldBlockSignal() {
        super("NONBLOCK call would block", null, false, false);
    }
}
